/**
 * What this window has running next to containers: debug-shell sidecars and
 * port forwards, so the Containers view can list them under their target and
 * nothing runs unseen. No vscode imports; the view and the commands share it.
 */
import type { PortForward } from '../../../server/src/docker';

interface SessionBase {
  /** Unique in this window; also the tree item id suffix. */
  id: string;
  targetId: string;
  targetName: string;
  /** The sidecar container, once it exists. */
  sidecarId?: string;
  startedAt: Date;
  /** Stops the session and removes its sidecar. */
  stop(): Promise<void>;
}

export interface ShellSession extends SessionBase {
  kind: 'shell';
  /** "as 65532:65532" or "as root (SYS_PTRACE)". */
  user: string;
  /** False while the sidecar runs without a terminal (detached from the view). */
  attached: boolean;
  /** Brings its terminal forward, or opens a new one on the same sidecar when detached. */
  show(): void;
  /** Closes the terminal but keeps the sidecar running (listed, with Reconnect and Stop). */
  detach(): void;
}

export interface ForwardSession extends SessionBase {
  kind: 'forward';
  forward: PortForward;
}

export type DebugSession = ShellSession | ForwardSession;

export class SessionRegistry {
  private readonly sessions = new Map<string, DebugSession>();
  private readonly listeners = new Set<() => void>();
  private counter = 0;

  nextId(kind: DebugSession['kind']): string {
    return `${kind}-${++this.counter}`;
  }

  add(session: DebugSession): { dispose(): void } {
    this.sessions.set(session.id, session);
    this.changed();
    return { dispose: () => this.remove(session.id) };
  }

  remove(id: string): void {
    if (this.sessions.delete(id)) this.changed();
  }

  get(id: string): DebugSession | undefined {
    return this.sessions.get(id);
  }

  /** A target's sessions, shells first, then forwards by local port. */
  forTarget(targetId: string): DebugSession[] {
    return [...this.sessions.values()]
      .filter((s) => s.targetId === targetId)
      .sort((a, b) => (a.kind === b.kind ? (a.kind === 'forward' && b.kind === 'forward' ? a.forward.localPort - b.forward.localPort : a.startedAt.getTime() - b.startedAt.getTime()) : a.kind === 'shell' ? -1 : 1));
  }

  all(): DebugSession[] {
    return [...this.sessions.values()];
  }

  /** Marks a change made to a session in place (e.g. its terminal closed). */
  changed(): void {
    for (const l of this.listeners) l();
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.stop().catch(() => undefined)));
  }
}
