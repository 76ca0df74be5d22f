/**
 * A small API server for the real kubectl, answering in the shapes a real
 * kube-apiserver (1.32) uses for what `kubectl debug`/`attach`/`get`/`exec`/`logs`
 * ask: /version, discovery (aggregated apidiscovery.k8s.io v2 and v2beta1, and the
 * legacy /api/v1 resource list), pods (GET, list, watch), namespaces (GET, or 403
 * when the test makes them unreadable), the `ephemeralcontainers` subresource PATCH
 * (strategic merge patch, merged by name) with Pod Security admission from the
 * namespace's `pod-security.kubernetes.io/enforce` label, and a stand-in kubelet:
 * an admitted ephemeral container starts as a host process after a short
 * ContainerCreating, streams over attach/exec (WebSocket, v5/v4.channel.k8s.io, what
 * kubectl 1.30+ uses first) and logs, and ends with `state.terminated.exitCode`.
 *
 * Not modelled (see docs/debugging.md): namespaces, users and capabilities of the
 * process (it runs on this machine as this user), images (the command or `sh`),
 * SPDY (refused with 400, which kubectl reports as an upgrade failure), TLS and auth.
 * A tty container's process runs on pipes: the line discipline its pty would give (echo,
 * Enter read as a newline, newlines sent as CR LF) is done here, so a terminal works.
 */
import * as http from 'http';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, ChildProcess } from 'child_process';
import type { Duplex } from 'stream';

export type PsaLevel = 'privileged' | 'baseline' | 'restricted';

export interface FakeNamespace {
  labels?: Record<string, string>;
  /** false: GET namespace answers 403 (a user with only namespaced pod rights). */
  readable?: boolean;
}

/** A pod object as a real API server stores it (the test gives spec and status). */
export type PodObject = {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; [k: string]: unknown };
  spec: { containers: Array<Record<string, unknown>>; ephemeralContainers?: Array<Record<string, unknown>>; [k: string]: unknown };
  status: { ephemeralContainerStatuses?: Array<Record<string, any>>; containerStatuses?: Array<Record<string, any>>; [k: string]: unknown };
};

export interface PatchRecord {
  pod: string;
  namespace: string;
  contentType: string;
  body: unknown;
  /** 'admitted' or the Status message of the 403. */
  decision: string;
}

export interface KubeApiServerOptions {
  /** e.g. '1.32.2'. */
  serverVersion?: string;
  namespaces: Record<string, FakeNamespace>;
  pods: PodObject[];
  /** A host process that plays a target container (for shared-PID pods): name → command. */
  targetProcesses?: Record<string, string[]>;
  /** The level for namespaces without an enforce label (the cluster's AdmissionConfiguration `defaults.enforce`); default privileged. */
  defaultEnforce?: PsaLevel;
  /** Milliseconds an ephemeral container stays ContainerCreating. */
  startDelayMs?: number;
}

export interface RequestRecord {
  method: string;
  url: string;
  accept: string;
  upgrade?: string;
  protocols?: string;
}

export interface KubeApiServer {
  url: string;
  /** A kubeconfig file for this server, current namespace `default`. */
  kubeconfig: string;
  requests: RequestRecord[];
  patches: PatchRecord[];
  pod(namespace: string, name: string): PodObject | undefined;
  close(): Promise<void>;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

function status(code: number, reason: string, message: string, details?: object) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

type Sc = { [k: string]: any } | undefined;

/**
 * Pod Security admission (pod-security.kubernetes.io, "latest") for what an
 * ephemeral container can carry: privileged, capabilities, allowPrivilegeEscalation,
 * runAsNonRoot, runAsUser=0, seccomp. Checked over all containers, as the real
 * admission does on pods/ephemeralcontainers; messages as the real one words them.
 */
export function podSecurityViolations(pod: PodObject, level: PsaLevel): string[] {
  if (level === 'privileged') return [];
  const podSc: Sc = (pod.spec.securityContext as Sc) ?? {};
  const all = [...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])] as Array<{ name: string; securityContext?: Sc }>;
  const out: string[] = [];
  const privileged = all.filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
  if (privileged.length) out.push(`privileged (${q('container', privileged)} must not set securityContext.privileged=true)`);
  const baselineCaps = all.filter((c) => (c.securityContext?.capabilities?.add ?? []).some((a: string) => !BASELINE_CAPS.has(a)));
  if (baselineCaps.length) {
    const added = [...new Set(baselineCaps.flatMap((c) => (c.securityContext!.capabilities!.add as string[]).filter((a) => !BASELINE_CAPS.has(a))))];
    out.push(`non-default capabilities (${q('container', baselineCaps.map((c) => c.name))} must not include ${added.map((a) => `"${a}"`).join(', ')} in securityContext.capabilities.add)`);
  }
  const unconfined = all.filter((c) => c.securityContext?.seccompProfile?.type === 'Unconfined').map((c) => c.name);
  if (podSc.seccompProfile?.type === 'Unconfined' || unconfined.length) out.push(`seccompProfile (${q('container', unconfined)} must not set securityContext.seccompProfile.type to "Unconfined")`);
  if (level === 'baseline') return out;
  const ape = all.filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
  if (ape.length) out.push(`allowPrivilegeEscalation != false (${q('container', ape)} must set securityContext.allowPrivilegeEscalation=false)`);
  const dropAll = all.filter((c) => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL')).map((c) => c.name);
  const addOther = all.filter((c) => (c.securityContext?.capabilities?.add ?? []).some((a: string) => a !== 'NET_BIND_SERVICE'));
  if (dropAll.length || addOther.length) {
    const parts: string[] = [];
    if (dropAll.length) parts.push(`${q('container', dropAll)} must set securityContext.capabilities.drop=["ALL"]`);
    if (addOther.length) {
      const added = [...new Set(addOther.flatMap((c) => (c.securityContext!.capabilities!.add as string[]).filter((a) => a !== 'NET_BIND_SERVICE')))];
      parts.push(`${q('container', addOther.map((c) => c.name))} must not include ${added.map((a) => `"${a}"`).join(', ')} in securityContext.capabilities.add`);
    }
    out.push(`unrestricted capabilities (${parts.join('; ')})`);
  }
  const nonRoot = all.filter((c) => (c.securityContext?.runAsNonRoot ?? podSc.runAsNonRoot) !== true).map((c) => c.name);
  if (nonRoot.length) out.push(`runAsNonRoot != true (pod or ${q('container', nonRoot)} must set securityContext.runAsNonRoot=true)`);
  const root = all.filter((c) => (c.securityContext?.runAsUser ?? podSc.runAsUser) === 0).map((c) => c.name);
  if (root.length) out.push(`runAsUser=0 (${q('container', root)} must not set runAsUser=0)`);
  const seccomp = all.filter((c) => !['RuntimeDefault', 'Localhost'].includes(c.securityContext?.seccompProfile?.type ?? podSc.seccompProfile?.type)).map((c) => c.name);
  if (seccomp.length) out.push(`seccompProfile (pod or ${q('container', seccomp)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`);
  return out;
}

function q(what: string, names: string[]): string {
  return `${what}${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')}`;
}

/** Strategic merge patch for what kubectl debug sends: maps merged, lists of containers merged by name, directives ignored. */
function strategicMerge(target: any, patch: any): any {
  if (patch === null) return undefined;
  if (typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = { ...(target && typeof target === 'object' && !Array.isArray(target) ? target : {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (Array.isArray(v) && /[cC]ontainers$/.test(k)) {
      const list: any[] = [...(Array.isArray(out[k]) ? out[k] : [])];
      for (const item of v as any[]) {
        const i = list.findIndex((x) => x.name === item.name);
        if (i >= 0) list[i] = strategicMerge(list[i], item);
        else list.push(strategicMerge(undefined, item));
      }
      out[k] = list;
    } else if (v === null) delete out[k];
    else out[k] = strategicMerge(out[k], v);
  }
  return out;
}

/**
 * A tty container's output as its terminal sends it (ONLCR: a newline goes out as CR LF).
 * The stand-in runs the process on pipes, so the line discipline a pty gives is done here;
 * a client in raw mode (kubectl attach -t) shows a bare LF as a step down without a return.
 */
function ttyOutput(raw: Buffer): Buffer {
  return Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

interface Running {
  child: ChildProcess;
  log: Buffer[];
  listeners: Set<(chunk: Buffer, stream: 1 | 2) => void>;
  exited: Promise<number>;
  tty: boolean;
}

export async function startKubeApiServer(opts: KubeApiServerOptions): Promise<KubeApiServer> {
  const version = opts.serverVersion ?? '1.32.2';
  const [, minor] = version.split('.');
  const requests: RequestRecord[] = [];
  const patches: PatchRecord[] = [];
  const pods = new Map<string, PodObject>();
  let rv = 1000;
  const watchers = new Set<{ ns: string; name?: string; res: http.ServerResponse }>();
  const running = new Map<string, Running>();
  const hostTargets: ChildProcess[] = [];
  const cgroupDirs: string[] = [];
  const sockets = new Set<Duplex>();

  const key = (ns: string, name: string) => `${ns}/${name}`;
  const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  for (const p of opts.pods) {
    const pod: PodObject = JSON.parse(JSON.stringify(p));
    pod.apiVersion = 'v1';
    pod.kind = 'Pod';
    pod.metadata = { uid: crypto.randomUUID(), creationTimestamp: stamp(), ...pod.metadata, resourceVersion: String(++rv) };
    pods.set(key(pod.metadata.namespace, pod.metadata.name), pod);
    const cmd = opts.targetProcesses?.[pod.metadata.name];
    if (cmd) startHostTarget(pod, cmd);
  }

  /** A host process in a cgroup named after the target's container id, so /proc/<pid>/cgroup names it as on a node. */
  function startHostTarget(pod: PodObject, cmd: string[]): void {
    const status = pod.status.containerStatuses?.[0];
    const id = String(status?.containerID ?? '').replace(/^[a-z]+:\/\//, '');
    const child = spawn(cmd[0]!, cmd.slice(1), { stdio: 'ignore' });
    hostTargets.push(child);
    const dir = path.join('/sys/fs/cgroup/pids', `distroless-test-kubepods-${process.pid}`, id);
    fs.mkdirSync(dir, { recursive: true });
    cgroupDirs.push(dir);
    fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(child.pid));
  }

  function changed(pod: PodObject): void {
    pod.metadata.resourceVersion = String(++rv);
    for (const w of watchers) {
      if (w.ns === pod.metadata.namespace && (!w.name || w.name === pod.metadata.name)) w.res.write(JSON.stringify({ type: 'MODIFIED', object: pod }) + '\n');
    }
  }

  function setEphemeralState(pod: PodObject, name: string, state: object): void {
    const statuses = (pod.status.ephemeralContainerStatuses ??= []);
    const spec = pod.spec.ephemeralContainers!.find((c) => c.name === name)!;
    let s = statuses.find((x) => x.name === name);
    if (!s) statuses.push((s = { name, image: spec.image, imageID: '', lastState: {}, ready: false, restartCount: 0 }));
    s.state = state;
    if ('running' in state || 'terminated' in state) {
      s.imageID = `docker.io/library/${spec.image}@sha256:${'0'.repeat(64)}`;
      s.containerID = `containerd://${crypto.randomBytes(32).toString('hex')}`;
    }
    changed(pod);
  }

  function runEphemeral(pod: PodObject, spec: Record<string, any>): void {
    const name = spec.name as string;
    setEphemeralState(pod, name, { waiting: { reason: 'ContainerCreating' } });
    setTimeout(() => {
      const argv = [...((spec.command as string[]) ?? ['sh']), ...((spec.args as string[]) ?? [])];
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin', HOME: '/root' } });
      const r: Running = { child, log: [], listeners: new Set(), tty: spec.tty === true, exited: new Promise((resolve) => child.on('close', (code, sig) => resolve(code ?? (sig ? 137 : 0)))) };
      running.set(key(pod.metadata.namespace, name + '@' + pod.metadata.name), r);
      child.on('error', () => undefined);
      child.stdin!.on('error', () => undefined);
      if (spec.stdin !== true) child.stdin!.end();
      const startedAt = stamp();
      for (const [stream, n] of [[child.stdout!, 1], [child.stderr!, 2]] as const) {
        stream.on('data', (raw: Buffer) => {
          const chunk = r.tty ? ttyOutput(raw) : raw;
          r.log.push(chunk);
          for (const l of r.listeners) l(chunk, r.tty ? 1 : n);
        });
      }
      setEphemeralState(pod, name, { running: { startedAt } });
      void r.exited.then((exitCode) => {
        // A kubelet notices the end a moment later (PLEG relist).
        setTimeout(() => setEphemeralState(pod, name, { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: stamp() } }), 150);
      });
    }, opts.startDelayMs ?? 200);
  }

  const coreResources = [
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'] },
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'], categories: ['all'] },
    { name: 'pods/attach', singularName: '', namespaced: true, kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'pods/ephemeralcontainers', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
    { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
  ];

  function aggregated(v: 'v2' | 'v2beta1', core: boolean) {
    const top = coreResources.filter((r) => !r.name.includes('/'));
    return {
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${v}`,
      metadata: {},
      items: core
        ? [
            {
              metadata: { creationTimestamp: null },
              versions: [
                {
                  version: 'v1',
                  resources: top.map((r) => ({
                    resource: r.name,
                    responseKind: { group: '', version: 'v1', kind: r.kind },
                    scope: r.namespaced ? 'Namespaced' : 'Cluster',
                    singularResource: r.singularName,
                    verbs: r.verbs,
                    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
                    ...(r.categories ? { categories: r.categories } : {}),
                    subresources: coreResources
                      .filter((s) => s.name.startsWith(r.name + '/'))
                      .map((s) => ({ subresource: s.name.split('/')[1], responseKind: { group: '', version: 'v1', kind: s.kind }, verbs: s.verbs })),
                  })),
                  freshness: 'Current',
                },
              ],
            },
          ]
        : [],
    };
  }

  function json(res: http.ServerResponse, code: number, body: unknown, type = 'application/json'): void {
    res.writeHead(code, { 'Content-Type': type, 'Audit-Id': crypto.randomUUID() });
    res.end(JSON.stringify(body));
  }

  function readBody(req: http.IncomingMessage): Promise<string> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const accept = String(req.headers.accept ?? '');
    requests.push({ method: req.method ?? '', url: req.url ?? '', accept });
    const p = url.pathname;
    if (p === '/version') return json(res, 200, { major: '1', minor, gitVersion: `v${version}`, gitCommit: '', gitTreeState: 'clean', buildDate: '2025-01-15T14:31:55Z', goVersion: 'go1.23.4', compiler: 'gc', platform: 'linux/amd64' });
    if (p === '/api' || p === '/apis') {
      const m = /apidiscovery\.k8s\.io;v=(v2beta1|v2);as=APIGroupDiscoveryList/.exec(accept);
      if (m) return json(res, 200, aggregated(m[1] as 'v2' | 'v2beta1', p === '/api'), `application/json;g=apidiscovery.k8s.io;v=${m[1]};as=APIGroupDiscoveryList`);
      if (p === '/api') return json(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] });
      return json(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    }
    if (p === '/api/v1') {
      return json(res, 200, {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: coreResources.map(({ kind, name, singularName, namespaced, verbs, shortNames, categories }) => ({ name, singularName, namespaced, kind, verbs, ...(shortNames ? { shortNames } : {}), ...(categories ? { categories } : {}) })),
      });
    }
    let m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p);
    if (m && req.method === 'GET') {
      const ns = opts.namespaces[m[1]!];
      if (ns && ns.readable === false) return json(res, 403, status(403, 'Forbidden', `namespaces "${m[1]}" is forbidden: User "developer" cannot get resource "namespaces" in API group "" in the namespace "${m[1]}"`, { name: m[1], kind: 'namespaces' }));
      if (!ns) return json(res, 404, status(404, 'NotFound', `namespaces "${m[1]}" not found`, { name: m[1], kind: 'namespaces' }));
      return json(res, 200, {
        kind: 'Namespace',
        apiVersion: 'v1',
        metadata: { name: m[1], uid: crypto.randomUUID(), resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z', labels: { 'kubernetes.io/metadata.name': m[1], ...(ns.labels ?? {}) } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
    }
    m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p);
    if (m && req.method === 'GET') {
      const ns = m[1]!;
      const sel = /^metadata\.name=(.+)$/.exec(url.searchParams.get('fieldSelector') ?? '');
      const items = [...pods.values()].filter((x) => x.metadata.namespace === ns && (!sel || x.metadata.name === sel[1]));
      if (url.searchParams.get('watch') === 'true') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        const w = { ns, name: sel?.[1], res };
        watchers.add(w);
        const since = Number(url.searchParams.get('resourceVersion') ?? '0');
        for (const x of items) if (Number(x.metadata.resourceVersion) > since) res.write(JSON.stringify({ type: 'MODIFIED', object: x }) + '\n');
        const timeout = setTimeout(() => res.end(), Number(url.searchParams.get('timeoutSeconds') ?? '300') * 1000);
        res.on('close', () => {
          clearTimeout(timeout);
          watchers.delete(w);
        });
        return;
      }
      return json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(rv) }, items });
    }
    m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)(?:\/([a-z]+))?$/.exec(p);
    if (m) {
      const [, ns, name, sub] = m as unknown as [string, string, string, string | undefined];
      const pod = pods.get(key(ns, name));
      if (!pod) return json(res, 404, status(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' }));
      if (!sub && req.method === 'GET') return json(res, 200, pod);
      if (sub === 'ephemeralcontainers' && req.method === 'PATCH') {
        const contentType = String(req.headers['content-type'] ?? '');
        const text = await readBody(req);
        const body = JSON.parse(text);
        if (contentType !== 'application/strategic-merge-patch+json') {
          patches.push({ pod: name, namespace: ns, contentType, body, decision: 'unsupported media type' });
          return json(res, 415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`));
        }
        const next: PodObject = { ...pod, spec: strategicMerge(pod.spec, body.spec ?? {}) };
        const level = (opts.namespaces[ns]?.labels?.['pod-security.kubernetes.io/enforce'] ?? opts.defaultEnforce ?? 'privileged') as PsaLevel;
        const violations = podSecurityViolations(next, level);
        if (violations.length) {
          const message = `pods "${name}" is forbidden: violates PodSecurity "${level}:latest": ${violations.join(', ')}`;
          patches.push({ pod: name, namespace: ns, contentType, body, decision: message });
          return json(res, 403, status(403, 'Forbidden', message, { name, kind: 'pods' }));
        }
        patches.push({ pod: name, namespace: ns, contentType, body, decision: 'admitted' });
        const before = new Set((pod.spec.ephemeralContainers ?? []).map((c) => c.name));
        pod.spec = next.spec;
        changed(pod);
        json(res, 200, pod);
        for (const c of pod.spec.ephemeralContainers ?? []) if (!before.has(c.name)) runEphemeral(pod, c);
        return;
      }
      if (sub === 'log' && req.method === 'GET') {
        const r = running.get(key(ns, `${url.searchParams.get('container')}@${name}`));
        if (!r) return json(res, 400, status(400, 'BadRequest', `container "${url.searchParams.get('container')}" in pod "${name}" is waiting to start: ContainerCreating`));
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        for (const c of r.log) res.write(c);
        if (url.searchParams.get('follow') !== 'true') return res.end();
        const l = (c: Buffer) => res.write(c);
        r.listeners.add(l);
        void r.exited.then(() => setImmediate(() => res.end()));
        res.on('close', () => r.listeners.delete(l));
        return;
      }
      if ((sub === 'attach' || sub === 'exec') && !req.headers.upgrade) return json(res, 400, status(400, 'BadRequest', 'Upgrade request required'));
    }
    json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  });

  server.on('upgrade', (req, socket: Duplex) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '');
    requests.push({ method: req.method ?? '', url: req.url ?? '', accept: String(req.headers.accept ?? ''), upgrade: String(req.headers.upgrade ?? ''), protocols });
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(attach|exec)$/.exec(url.pathname);
    const refuse = (code: number, text: string) => socket.end(`HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify(status(code, http.STATUS_CODES[code]!.replace(/ /g, ''), text))}`);
    if (!m || String(req.headers.upgrade).toLowerCase() !== 'websocket') return refuse(400, `unable to upgrade connection: ${req.headers.upgrade ?? 'no'} streaming is not served here`);
    const [, ns, name, sub] = m as unknown as [string, string, string, string];
    const pod = pods.get(key(ns, name));
    if (!pod) return refuse(404, `pods "${name}" not found`);
    const container = url.searchParams.get('container') ?? '';
    const offered = protocols.split(',').map((s) => s.trim());
    const protocol = ['v5.channel.k8s.io', 'v4.channel.k8s.io'].find((x) => offered.includes(x));
    if (!protocol) return refuse(400, 'unsupported streaming protocol');
    let proc: Running | undefined;
    if (sub === 'attach') {
      proc = running.get(key(ns, `${container}@${name}`));
      const st = pod.status.ephemeralContainerStatuses?.find((s) => s.name === container);
      if (!proc || !st?.state?.running) return refuse(400, `unable to upgrade connection: container ${container} not found in pod ${name}_${ns}`);
    }
    const accept = crypto.createHash('sha1').update(String(req.headers['sec-websocket-key']) + GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`);
    const send = (opcode: number, payload: Buffer) => {
      const len = payload.length;
      const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 255]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
      if (!socket.destroyed) socket.write(Buffer.concat([head, payload]));
    };
    const sendChannel = (ch: number, data: Buffer | string) => send(2, Buffer.concat([Buffer.from([ch]), Buffer.from(data)]));
    const finish = (exitCode: number, execStatus: boolean) => {
      // The kubelet reports Success for attach whatever the process did; exec reports a non-zero exit.
      const st = execStatus && exitCode !== 0
        ? { metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: error executing command [...], exit code ${exitCode}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] } }
        : { metadata: {}, status: 'Success' };
      sendChannel(3, JSON.stringify(st));
      send(8, Buffer.from([0x03, 0xe8]));
      setTimeout(() => socket.end(), 50);
    };
    let stdinWrite: (b: Buffer) => void = () => undefined;
    let stdinEnd: () => void = () => undefined;
    if (sub === 'attach') {
      const r = proc!;
      const l = (chunk: Buffer, n: 1 | 2) => sendChannel(n, chunk);
      r.listeners.add(l);
      socket.on('close', () => r.listeners.delete(l));
      stdinWrite = (b) => {
        if (!r.tty) return void r.child.stdin!.write(b);
        // What the container's terminal does with typed keys: echo, and Enter (CR) read as a newline (ICRNL).
        const typed = Buffer.from(b.toString('latin1').replace(/\r/g, '\n'), 'latin1');
        for (const listener of r.listeners) listener(ttyOutput(typed), 1);
        r.child.stdin!.write(typed);
      };
      stdinEnd = () => r.child.stdin!.end();
      void r.exited.then(() => setTimeout(() => finish(0, false), 20));
    } else {
      const argv = url.searchParams.getAll('command');
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
      child.on('error', () => undefined);
      if (url.searchParams.get('stdin') !== 'true') child.stdin!.end();
      child.stdout!.on('data', (c: Buffer) => sendChannel(1, c));
      child.stderr!.on('data', (c: Buffer) => sendChannel(2, c));
      stdinWrite = (b) => child.stdin!.write(b);
      stdinEnd = () => child.stdin!.end();
      child.on('close', (code) => finish(code ?? 137, true));
    }
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (buf.length < 2) return;
        const opcode = buf[0]! & 15;
        let len = buf[1]! & 127;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        const masked = (buf[1]! & 128) !== 0;
        if (buf.length < off + (masked ? 4 : 0) + len) return;
        const mask = masked ? buf.subarray(off, off + 4) : undefined;
        off += masked ? 4 : 0;
        const payload = Buffer.from(buf.subarray(off, off + len));
        if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
        buf = buf.subarray(off + len);
        if (opcode === 8) {
          stdinEnd();
          return void socket.end();
        }
        if (opcode === 9) send(10, payload);
        if (opcode !== 2 || payload.length === 0) continue;
        const ch = payload[0]!;
        if (ch === 0 && payload.length > 1) stdinWrite(payload.subarray(1));
        else if (ch === 255 && payload[1] === 0) stdinEnd();
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as { port: number };
  const url = `http://127.0.0.1:${addr.port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-api-'));
  const kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: ${url}\ncontexts:\n- name: test\n  context:\n    cluster: test\n    user: developer\n    namespace: default\ncurrent-context: test\nusers:\n- name: developer\n  user:\n    token: test-token\n`,
    { mode: 0o600 },
  );

  let closed = false;
  return {
    url,
    kubeconfig,
    requests,
    patches,
    pod: (ns, name) => pods.get(key(ns, name)),
    async close() {
      if (closed) return;
      closed = true;
      for (const w of watchers) w.res.end();
      for (const s of sockets) s.destroy();
      for (const r of running.values()) r.child.kill('SIGKILL');
      for (const c of hostTargets) c.kill('SIGKILL');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      for (const c of hostTargets) if (c.exitCode === null && c.signalCode === null) await new Promise((r) => c.once('close', r));
      for (const d of cgroupDirs) {
        try {
          fs.rmdirSync(d);
          fs.rmdirSync(path.dirname(d));
        } catch {
          /* already gone */
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
