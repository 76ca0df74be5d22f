/**
 * Node.js: the build stage keeps the user's install and build, moves to the node
 * major the distroless runtime carries (native modules are compiled for it), and
 * prunes devDependencies; the app directory ships on nodejs<M>-debian13, whose
 * ENTRYPOINT is node, so CMD holds the script.
 */
import { distrolessImage, interpreterWords, supportedNodeMajor } from '../imageFacts';
import { packageScriptRun, plainNodeArguments } from '../packageScripts';
import { basename } from '../shell';
import { isInside, resolvePath } from '../stages';
import { alpineOnlyCommand } from './alpine';
import { appOwnedByUser, argumentFileCopies, builderImageEdit, foreignPackageManager, isOfficialName, readJson, writableDirectories } from './common';
import { nameAndTag } from '../../shared/imageReference';
import type { LanguageContext, LanguageConverter, PlanResult, RunStep } from './types';
import { debianReleaseOfTag, vanishedAptPackage } from './runtimeNeeds';

const NODE = interpreterWords('node') as RegExp;
const PACKAGE_RUNNERS = /^(?:npm|yarn|pnpm)$/;

export const nodeConverter: LanguageConverter = {
  language: 'node',
  plan(context): PlanResult {
    const root = context.chain[0];
    if (root.base.runtime !== 'node') {
      return { refuse: `the build installs Node.js on ${root.resolvedImage ?? 'its base image'} rather than using the node image, so native modules may not match the distroless runtime: base the build on node:${supportedNodeMajor(undefined)} and convert again` };
    }
    const major = supportedNodeMajor(root.base.runtimeVersion);
    const alpine = root.base.libc === 'musl';
    const alpineOnly = alpine ? alpineOnlyCommand(context.runs) : undefined;
    if (alpineOnly) {
      return { refuse: `the build runs ${alpineOnly} on an Alpine node image, but the distroless runtime needs node_modules built on Debian (node:${major}), where that command does not exist: replace it with its Debian form (apt-get install, adduser --disabled-password) or drop it, and convert again` };
    }

    const foreign = foreignPackageManager(context.runs);
    if (foreign) {
      return { refuse: `the build runs ${foreign} on ${root.resolvedImage ?? 'its node image'}, but the distroless runtime needs node_modules built on Debian (node:${major}), where ${foreign.split(' ')[0]} does not exist: install with apt-get instead, or drop it, and convert again` };
    }

    const script = nodeArguments(context);
    if ('refuse' in script) return script;

    const appDir = context.workdir !== '/' ? context.workdir : absoluteDir(script.args.find((a) => !a.startsWith('-')));
    if (!appDir) return { refuse: 'the app has no WORKDIR and its script path is relative, so the directory to ship is unknown: set WORKDIR to the app directory and convert again' };

    const edits = [];
    const tagEdit = builderImageEdit(context.model, context.chain, (text) => {
      const { name, tag } = nameAndTag(text);
      const current = tag ? /^(\d+)/.exec(tag)?.[1] : undefined;
      if (current === major && !alpine && !text.includes('@')) return undefined;
      // Keep a Debian variant suffix (-slim, -bookworm); drop alpine, whose musl builds do not run on glibc.
      const variant = tag && !alpine ? /^\d+(?:\.\d+)*(-(?:slim|bookworm|bookworm-slim|trixie|trixie-slim|bullseye|bullseye-slim))$/.exec(tag)?.[1] ?? '' : '';
      // A mirror of the official image keeps its name; another vendor's Node.js image (ubi9/nodejs-20) has no such tag.
      return `${isOfficialName(name, 'node') ? name : 'node'}:${major}${variant}`;
    });
    const currentMajor = root.base.runtimeVersion;
    if (!tagEdit && (currentMajor !== major || alpine)) {
      return { refuse: `the build stage's node image cannot be changed by one edit (its reference mixes variables and text), and it must be node:${major} to match the runtime: set it and convert again` };
    }
    if (tagEdit) {
      edits.push(tagEdit);
      // node:<M> without a variant is Debian trixie (nodejs/docker-node config default_variant, since PR #2558, 2026-07).
      const release = debianReleaseOfTag(tagEdit.newText) ?? 'trixie';
      if (debianReleaseOfTag(root.base.ref.tag) !== release) {
        const vanished = vanishedAptPackage(context.runs, root, tagEdit.newText, release);
        if (vanished) return { refuse: vanished };
      }
    }

    const append: string[] = [];
    const notes: string[] = [];
    const installs = context.runs.flatMap((r) => r.commands).filter((c) => PACKAGE_RUNNERS.test(c[0]) && (c[1] === undefined || /^(?:install|i|ci|add)$/.test(c[1])));
    const production = context.stage.env.get('NODE_ENV') === 'production';
    const movedModules = movedNodeModules(context.runs, appDir);
    if (typeof movedModules === 'object') return movedModules;
    const npmInstallsDev = installs.some((c) => c[0] === 'npm' && !c.some((w) => /^--(?:omit=dev|production|only=prod(?:uction)?)$/.test(w)));
    if (npmInstallsDev && !production) {
      // npm prune works on the app folder's node_modules; moved away, it is not there to prune.
      if (movedModules) notes.push(`devDependencies ship too, because node_modules was moved to ${movedModules}: install with --omit=dev in the build stage to leave them out.`);
      else append.push('RUN npm prune --omit=dev');
    }
    if (installs.some((c) => c[0] !== 'npm') && !production) notes.push(`devDependencies installed by ${installs.find((c) => c[0] !== 'npm')?.[0]} ship too: install with --production in the build stage to leave them out.`);

    const chown = appOwnedByUser(context.model, context.chain, context.runs) ? '--chown=65532:65532 ' : '';
    const copies = [`COPY --from=${context.buildName} ${chown}${appDir} ${appDir}`];
    // Node looks for packages in node_modules of every parent folder up to /node_modules
    // (https://nodejs.org/api/modules.html#loading-from-node_modules-folders), so a moved folder ships where the build put it.
    if (movedModules && !isInside(movedModules, appDir)) copies.push(`COPY --from=${context.buildName} ${movedModules} ${movedModules}`);
    const writable = writableDirectories(context.runs, appDir);
    for (const dir of writable) copies.push(`COPY --from=${context.buildName} --chown=65532:65532 ${dir} ${dir}`);
    copies.push(...argumentFileCopies(context, script.args, [appDir, ...writable, ...(movedModules ? [movedModules] : [])]));
    return {
      runtimeImage: `${distrolessImage(`nodejs${major}`, context.distrolessRegistry)}:nonroot`,
      replaceShipped: false,
      copies,
      workdir: appDir,
      cmd: script.args,
      edits,
      append,
      notes,
    };
  },
};

function absoluteDir(path: string | undefined): string | undefined {
  if (!path || !path.startsWith('/')) return undefined;
  const dir = path.slice(0, path.lastIndexOf('/'));
  return dir === '' ? undefined : dir;
}

/** The arguments node gets (the image's ENTRYPOINT is node): from CMD, or from the package.json script npm runs. */
function nodeArguments(context: LanguageContext): { args: string[] } | { refuse: string } {
  const words = context.start;
  if (words.length === 0) {
    const main = readJson(context, 'package.json')?.main;
    if (typeof main === 'string') return { args: [main] };
    return { refuse: 'there is no start command (CMD or ENTRYPOINT) and no package.json "main" beside the Dockerfile, so the script to run is unknown' };
  }
  if (NODE.test(words[0])) {
    if (words.length < 2) return { refuse: 'the start command runs node without a script' };
    return { args: words.slice(1) };
  }
  if (PACKAGE_RUNNERS.test(words[0])) {
    const run = packageScriptRun(words);
    const name = run?.name;
    const pkg = readJson(context, 'package.json');
    const scripts = pkg?.scripts as Record<string, unknown> | undefined;
    const script = name ? scripts?.[name] : undefined;
    if (!run || typeof script !== 'string') {
      return { refuse: `the start command is "${words.join(' ')}", and the runtime image has no ${words[0]}; the "${name ?? 'start'}" script of a package.json beside the Dockerfile would say which file node runs, but ${pkg ? 'it has no such script' : 'there is none'}: start the app with node <script> and convert again` };
    }
    const args = plainNodeArguments(script);
    if (!args) {
      return { refuse: `the "${name}" script of package.json is "${script}", not a plain node <file> command, so it needs ${words[0]} or a shell: start the app with node <script> and convert again` };
    }
    return { args: [...args, ...run.extra] };
  }
  // Tools installed as dependencies are node scripts under node_modules/.bin, which node can run directly.
  const pkg = readJson(context, 'package.json');
  const deps = pkg?.dependencies as Record<string, unknown> | undefined;
  if (!words[0].includes('/') && deps && words[0] in deps) return { args: [`node_modules/.bin/${words[0]}`, ...words.slice(1)] };
  if (/\.(?:c|m)?js$/.test(words[0])) return { args: [resolvePath(words[0], context.workdir), ...words.slice(1)] };
  return { refuse: `the start command runs ${words[0]}, which the Node.js runtime image does not have: start the app with node <script> and convert again` };
}

/**
 * Where the build moved the app's node_modules (`mv node_modules /node_modules`,
 * `mv ./node_modules ../`), or undefined when it stays in the app folder; a refusal when
 * it moves to a place that cannot be read.
 */
function movedNodeModules(runs: RunStep[], appDir: string): string | undefined | { refuse: string } {
  let current = `${appDir === '/' ? '' : appDir}/node_modules`;
  let moved: string | undefined;
  for (const run of runs) {
    for (const c of run.commands) {
      if (c[0] !== 'mv' && c[0] !== 'cp') continue;
      const operands = c.slice(1).filter((w) => !w.startsWith('-'));
      if (operands.length !== 2) continue;
      const [src, dest] = operands;
      if (src.includes('$') || resolvePath(src, run.workdir) !== current) continue;
      if (dest.includes('$') || /[*?]/.test(dest)) {
        return { refuse: `the build moves node_modules to ${dest}, a path the converter cannot read: move it to a fixed path and convert again` };
      }
      const target = resolvePath(dest, run.workdir);
      const into = dest.endsWith('/') || dest === '.' || dest === '..' || target === '/' || basename(target) !== 'node_modules';
      current = into ? `${target === '/' ? '' : target}/node_modules` : target;
      moved = current;
    }
  }
  return moved === `${appDir === '/' ? '' : appDir}/node_modules` ? undefined : moved;
}
