/**
 * Python: the build moves to python:3.13-slim-trixie, the same minor as the
 * distroless python3 (compiled wheels are tied to it); the packages the build
 * installed ship as a plain directory on PYTHONPATH, because a venv's interpreter
 * links point at /usr/local/bin/python, which the runtime does not have.
 */
import { nameAndTag } from '../../shared/imageReference';
import type { TextEdit } from 'vscode-languageserver-types';
import { DISTROLESS_PYTHON_VERSION, PYTHON_BUILDER_IMAGE, interpreterWords, suggestedDistrolessImage } from '../imageFacts';
import { offsetOf, rangeOf, type Stage } from '../model';
import { rawText } from '../shell';
import { chainCopies, isInside, replaceImageEdit, resolvePath, stageChainFromBase } from '../stages';
import { alpineOnlyCommand } from './alpine';
import { appOwnedByUser, argumentFileCopies, flagValue, foreignPackageManager, isOfficialName, runSteps, writableDirectories } from './common';
import type { LanguageContext, LanguageConverter, PlanResult, RunStep } from './types';
import { debianReleaseOfTag, stageLabel, vanishedAptPackage } from './runtimeNeeds';
import { isPipInstall, pinWithoutWheels, requirementLines, requirementSources } from '../pythonWheels';

const PYTHON = interpreterWords('python') as RegExp;
/** Servers and tools that are runnable as `python -m <module>`. */
const MODULE_COMMANDS: Record<string, string> = {
  gunicorn: 'gunicorn', uvicorn: 'uvicorn', flask: 'flask', hypercorn: 'hypercorn', celery: 'celery',
  daphne: 'daphne', streamlit: 'streamlit', 'django-admin': 'django', waitress: 'waitress',
};
const SITE = `lib/python${DISTROLESS_PYTHON_VERSION}/site-packages`;

export const pythonConverter: LanguageConverter = {
  language: 'python',
  plan(context): PlanResult {
    const root = context.chain[0];
    if (root.base.runtime !== 'python') {
      return { refuse: `the build installs Python on ${root.resolvedImage ?? 'its base image'} rather than using the python image, and the distroless runtime runs Python ${DISTROLESS_PYTHON_VERSION}: base the build on ${PYTHON_BUILDER_IMAGE} and convert again` };
    }
    const args = pythonArguments(context.start, context.workdir);
    if ('refuse' in args && !/without a script$/.test(args.refuse)) return args;
    if ('refuse' in args) {
      const reset = context.entrypointLength === context.start.length && context.chain.slice(0, -1).some((st) => st.instructions.some((i) => i.getKeyword() === 'CMD'));
      // An ENTRYPOINT resets the CMD its stage inherits (BuildKit's dispatchEntrypoint): say so, it is easy to miss.
      return { refuse: `${args.refuse} in ${stageLabel(context.stage)}${reset ? ' (its ENTRYPOINT resets the CMD inherited from the stage it builds on, as docker build does)' : ''}: give python the script to run in CMD or ENTRYPOINT of that stage, and convert again` };
    }
    const appDir = context.workdir !== '/' ? context.workdir : undefined;
    if (!appDir) return { refuse: 'the app has no WORKDIR, so the directory to ship is unknown: set WORKDIR to the app directory and convert again' };

    // Every python stage the shipped chain builds on or copies from moves to the runtime's Python, so compiled wheels match it.
    const builders = copiedStages(context);
    const pythonStages = [...context.chain, ...builders.flatMap((b) => stageChainFromBase(b))].filter((st, i, all) => all.indexOf(st) === i);
    for (const chain of [context.chain, ...builders.map((b) => stageChainFromBase(b))]) {
      const st = chain[0];
      if (st.base.runtime !== 'python') {
        return { refuse: `the stage "${chain[chain.length - 1].name ?? chain[chain.length - 1].index}" the app copies from builds on ${st.resolvedImage ?? 'an image'} rather than the python image, so its packages may not match the distroless runtime's Python ${DISTROLESS_PYTHON_VERSION}: base it on ${PYTHON_BUILDER_IMAGE} and convert again` };
      }
      const chainRuns = chain === context.chain ? context.runs : runSteps(context.model, chain[chain.length - 1]).runs;
      const foreign = foreignPackageManager(chainRuns);
      if (foreign) {
        return { refuse: `the build runs ${foreign} on ${st.resolvedImage ?? 'its python image'}, but packages for the distroless runtime must be built on Debian (${PYTHON_BUILDER_IMAGE}), where ${foreign.split(' ')[0]} does not exist: install with apt-get instead, or drop it, and convert again` };
      }
      if (st.base.libc === 'musl') {
        const alpine = alpineOnlyCommand(chainRuns);
        if (alpine) {
          return { refuse: `the build runs ${alpine} on an Alpine python image, but packages for the distroless runtime must be built on Debian (${PYTHON_BUILDER_IMAGE}), where that command does not exist: replace it with its Debian form (apt-get install, adduser --disabled-password) or drop it, and convert again` };
        }
      }
    }

    const native = nativeLibraryPackage(context, [...context.runs, ...builders.flatMap((b) => runSteps(context.model, b).runs)]);
    if (native) {
      return { refuse: `the app installs ${native.name}, which is built from source against ${native.library} and loads it when imported; the distroless python3 image does not have that library, so the app would fail to start: ${native.instead}, or copy the library and what it links to from the build stage by hand, and convert again` };
    }

    const allRuns = [...context.runs, ...builders.flatMap((b) => runSteps(context.model, b).runs)];
    const roots = pythonStages.filter((st) => !st.parent && st.base.runtime === 'python');
    const bumped = roots.find((st) => st.base.runtimeVersion !== DISTROLESS_PYTHON_VERSION);
    const pin = bumped ? pinWithoutWheels(requirementSources(allRuns.flatMap((r) => r.commands), (path) => context.workspace?.readFile(path)), (path) => context.workspace?.readFile(path)) : undefined;
    if (bumped && pin) {
      return { refuse: `the build moves from ${bumped.resolvedImage ?? 'its python image'} to ${PYTHON_BUILDER_IMAGE} (the distroless runtime's Python ${DISTROLESS_PYTHON_VERSION}), and ${pin.requirement} has no wheels for Python ${DISTROLESS_PYTHON_VERSION} (the first release with them is ${pin.first}), so pip install in ${stageLabel(bumped)} would fail: raise the pin to ${pin.first} or later, and convert again` };
    }
    // A builder moved to trixie from an older Debian: its apt-get install names must exist there.
    for (const st of roots.filter((r) => r.resolvedImage !== PYTHON_BUILDER_IMAGE && debianReleaseOfTag(r.base.ref.tag) !== 'trixie')) {
      const vanished = vanishedAptPackage(allRuns.filter((r) => stageChainFromBase(r.stage)[0] === st), st, PYTHON_BUILDER_IMAGE, 'trixie');
      if (vanished) return { refuse: vanished };
    }

    const site = sitePackages(context.runs, context.stage);
    if (typeof site === 'object') return site;
    const copiedSite = site === undefined ? sitePackagesCopied(context, builders) : undefined;
    if (typeof copiedSite === 'object') return copiedSite;
    const packages = site ?? copiedSite;

    const edits: TextEdit[] = [];
    for (const st of pythonStages) {
      if (st.parent || st.base.runtime !== 'python') continue;
      const tagEdit = replaceImageEdit(context.model, st, (text) => {
        if (text === PYTHON_BUILDER_IMAGE) return undefined;
        const { name } = nameAndTag(text);
        // A mirror of the official image keeps its name; another vendor's Python image
        // (ubi9/python-312) has no such tag, so the official image replaces it.
        return isOfficialName(name, 'python') ? `${name}:${nameAndTag(PYTHON_BUILDER_IMAGE).tag}` : PYTHON_BUILDER_IMAGE;
      });
      if (!tagEdit && st.resolvedImage !== PYTHON_BUILDER_IMAGE) {
        return { refuse: `the python image of ${stageLabel(st)} cannot be changed by one edit, and it must be ${PYTHON_BUILDER_IMAGE} to match the runtime's Python: set it and convert again` };
      }
      if (tagEdit && !edits.some((e) => sameRange(e, tagEdit))) edits.push(tagEdit);
    }
    const versioned = versionedPathEdits(context, pythonStages);
    edits.push(...versioned.edits);

    const chown = appOwnedByUser(context.model, context.chain, context.runs) ? '--chown=65532:65532 ' : '';
    const copies: string[] = [];
    const env: string[] = [];
    if (packages) {
      if (!isInside(packages, appDir)) copies.push(`COPY --from=${context.buildName} ${packages} ${packages}`);
      const existing = atRuntimeVersion(context.stage.env.get('PYTHONPATH') ?? '') || undefined;
      // Never narrower than what the app had: an existing PYTHONPATH that already names the packages is kept whole.
      const named = existing?.split(':').some((p) => p.replace(/\/+$/, '') === packages) ?? false;
      env.push(`ENV PYTHONPATH=${named ? existing : `${packages}${existing ? `:${existing}` : ''}`}`);
    }
    copies.push(`COPY --from=${context.buildName} ${chown}${appDir} ${appDir}`);
    const writable = writableDirectories(context.runs, appDir);
    for (const dir of writable) copies.push(`COPY --from=${context.buildName} --chown=65532:65532 ${dir} ${dir}`);
    copies.push(...argumentFileCopies(context, args.args, [appDir, ...writable, ...(packages ? [packages] : [])]));
    const notes = versioned.from.length > 0
      ? [`Paths naming python${versioned.from.join(', python')} now name python${DISTROLESS_PYTHON_VERSION}, the Python the build and the runtime share.`]
      : [];
    return {
      runtimeImage: suggestedDistrolessImage('python', undefined, context.distrolessRegistry),
      replaceShipped: false,
      copies,
      env,
      workdir: appDir,
      cmd: args.args,
      edits,
      notes,
    };
  },
};

function sameRange(a: TextEdit, b: TextEdit): boolean {
  return a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character
    && a.range.end.line === b.range.end.line && a.range.end.character === b.range.end.character;
}

/** The stages (outside the shipped chain) that a COPY --from of the chain copies from. */
function copiedStages(context: LanguageContext): Stage[] {
  const out: Stage[] = [];
  for (const copy of chainCopies(context.model, context.stage)) {
    const source = copy.fromStage;
    if (source && !context.chain.includes(source) && !out.includes(source)) out.push(source);
  }
  return out;
}

const VERSIONED = /python3\.(\d+)/g;

/**
 * Rewrites `python3.<minor>` in the instructions of the given stages (COPY paths of
 * site-packages, PYTHONPATH, venv paths) to the runtime's minor: the build moves to
 * that Python, so the old paths would no longer exist and COPY would fail.
 */
function versionedPathEdits(context: LanguageContext, stages: Stage[]): { edits: TextEdit[]; from: string[] } {
  const edits: TextEdit[] = [];
  const from: string[] = [];
  const wanted = DISTROLESS_PYTHON_VERSION.split('.')[1];
  for (const st of stages) {
    for (const i of st.instructions) {
      const start = offsetOf(context.model, i.getRange().start);
      const text = rawText(context.model, i);
      for (const m of text.matchAll(VERSIONED)) {
        if (m[1] === wanted) continue;
        const at = start + (m.index ?? 0);
        edits.push({ range: rangeOf(context.model, at, at + m[0].length), newText: `python${DISTROLESS_PYTHON_VERSION}` });
        if (!from.includes(`3.${m[1]}`)) from.push(`3.${m[1]}`);
      }
    }
  }
  return { edits, from };
}

/** A path with its python3.<minor> segments at the runtime's minor (as versionedPathEdits writes them). */
function atRuntimeVersion(path: string): string {
  return path.replace(VERSIONED, `python${DISTROLESS_PYTHON_VERSION}`);
}

/**
 * Packages installed in a builder stage and copied into the shipped chain: the builder's
 * site-packages (or venv, or user base) seen through the COPY that brings it over.
 */
function sitePackagesCopied(context: LanguageContext, builders: Stage[]): string | undefined | { refuse: string } {
  let found: string | undefined;
  for (const copy of chainCopies(context.model, context.stage)) {
    const builder = copy.fromStage;
    if (!builder || !builders.includes(builder) || copy.sources.length !== 1 || copy.keyword !== 'COPY') continue;
    const src = atRuntimeVersion(resolvePath(copy.sources[0], '/'));
    const dest = atRuntimeVersion(copy.destinationPath);
    const builderSite = sitePackages(runSteps(context.model, builder).runs, builder);
    if (typeof builderSite === 'object') return builderSite;
    if (builderSite && isInside(builderSite, src)) found = builderSite === src ? dest : `${dest}${builderSite.slice(src.length)}`;
    else if (/\/site-packages$/.test(dest)) found = dest;
  }
  return found;
}

function pythonArguments(words: string[], workdir: string): { args: string[] } | { refuse: string } {
  if (words.length === 0) return { refuse: 'there is no start command (CMD or ENTRYPOINT), so the script to run is unknown' };
  if (PYTHON.test(words[0])) {
    if (words.length < 2) return { refuse: 'the start command runs python without a script' };
    return { args: words.slice(1) };
  }
  const name = words[0].split('/').pop() ?? words[0];
  const module = MODULE_COMMANDS[name];
  if (module) return { args: ['-m', module, ...words.slice(1)] };
  if (/\.py$/.test(words[0])) return { args: [resolvePath(words[0], workdir), ...words.slice(1)] };
  return { refuse: `the start command runs ${words[0]}, a program the Python runtime image does not have (console scripts need the builder's bin directory): start it as python -m <module> or python <script>.py and convert again` };
}

/**
 * Where the build put third-party packages, as the builder's absolute
 * site-packages path; undefined when it installs none; a refusal when they go
 * somewhere that cannot be shipped as a directory.
 */
function sitePackages(runs: RunStep[], stage: Stage): string | undefined | { refuse: string } {
  let venv: string | undefined;
  let site: string | undefined;
  const env = stage.env;
  for (const run of runs) {
    for (const c of run.commands) {
      const program = c[0].split('/').pop() ?? c[0];
      if ((PYTHON.test(c[0]) && c[1] === '-m' && (c[2] === 'venv' || c[2] === 'virtualenv')) || program === 'virtualenv') {
        const dir = c.slice(program === 'virtualenv' ? 1 : 3).find((w) => !w.startsWith('-'));
        if (dir) venv = resolvePath(dir, run.workdir);
      } else if (isPipInstall(c)) {
        const target = pipTarget(c, run, venv);
        if (typeof target === 'object') return target;
        site = target ?? site;
      } else if (program === 'poetry' && c[1] === 'install') {
        if (env.get('POETRY_VIRTUALENVS_CREATE') === 'false' || runs.some((r) => /virtualenvs\.create\s+false/.test(r.text))) site = `/usr/local/${SITE}`;
        else if (env.get('POETRY_VIRTUALENVS_IN_PROJECT') === 'true' || runs.some((r) => /virtualenvs\.in-project\s+true/.test(r.text))) site = `${run.workdir}/.venv/${SITE}`;
        else return { refuse: 'poetry installs into a virtualenv at a path the Dockerfile does not fix: set POETRY_VIRTUALENVS_CREATE=false (or POETRY_VIRTUALENVS_IN_PROJECT=true) and convert again' };
      } else if (program === 'pipenv' && c[1] === 'install') {
        if (c.includes('--system')) site = `/usr/local/${SITE}`;
        else return { refuse: 'pipenv installs into a virtualenv at a path the Dockerfile does not fix: use pipenv install --system --deploy and convert again' };
      } else if (program === 'uv' && c[1] === 'sync') {
        site = `${env.get('UV_PROJECT_ENVIRONMENT') ?? `${run.workdir}/.venv`}/${SITE}`;
      }
    }
  }
  return site;
}

function pipTarget(c: string[], run: RunStep, venv: string | undefined): string | { refuse: string } {
  const target = flagValue(c, ['--target', '-t']);
  if (target) return resolvePath(target, run.workdir);
  const prefix = flagValue(c, ['--prefix']);
  if (prefix) return `${resolvePath(prefix, run.workdir)}/${SITE}`;
  if (c.includes('--user')) {
    // --user installs under the user base, ~/.local for the user the RUN runs as (site.USER_BASE,
    // https://docs.python.org/3/library/site.html#site.USER_BASE), or $PYTHONUSERBASE.
    const base = run.stage.env.get('PYTHONUSERBASE');
    if (base && !base.includes('$')) return `${resolvePath(base, '/')}/${SITE}`;
    const home = homeOfRunUser(run);
    if ('refuse' in home) return home;
    return `${home.home === '/' ? '' : home.home}/.local/${SITE}`;
  }
  const program = c[0];
  if (venv && (program.startsWith(venv) || (run.stage.env.get('PATH') ?? '').includes(`${venv}/bin`) || run.text.includes(`${venv}/bin/activate`))) return `${venv}/${SITE}`;
  return `/usr/local/${SITE}`;
}

/**
 * The home directory of the user a RUN runs as: the last USER before it in its stage
 * chain (root when none), HOME when the Dockerfile sets it, /home/<name> for a named user
 * (what useradd -m and adduser create).
 */
function homeOfRunUser(run: RunStep): { home: string } | { refuse: string } {
  let user = 'root';
  for (const st of stageChainFromBase(run.stage)) {
    for (const i of st.instructions) {
      if (i === run.instruction) break;
      if (i.getKeyword() === 'USER') user = i.getTextContent().replace(/^\s*USER\s+/i, '').trim().split(':')[0];
    }
  }
  const home = run.stage.env.get('HOME');
  if (home && !home.includes('$')) return { home: resolvePath(home, '/') };
  if (user === 'root' || user === '0') return { home: '/root' };
  if (/^\d+$/.test(user) || user.includes('$')) {
    return { refuse: `pip install --user runs as user ${user}, whose home directory (where the packages go) the Dockerfile does not say: set ENV HOME or PYTHONUSERBASE, or install with --target <dir>, and convert again` };
  }
  return { home: `/home/${user}` };
}

/**
 * Packages PyPI has only as source for Linux, which compile against a system library
 * and load it at import: the builder can link them (with the -dev package), but the
 * distroless python3 image has no such library (it carries libc, libssl, libffi, zlib,
 * libsqlite3, libexpat and the like), so `import` fails at start.
 */
const NATIVE_LIBRARY_PACKAGES: Record<string, { library: string; instead: string }> = {
  mysqlclient: { library: 'the MySQL/MariaDB client library (libmariadb)', instead: 'use a pure-Python driver (PyMySQL)' },
  psycopg2: { library: 'PostgreSQL\'s libpq', instead: 'use psycopg2-binary or psycopg[binary], whose wheels bundle libpq' },
  'python-ldap': { library: 'OpenLDAP\'s libldap', instead: 'use a pure-Python client (ldap3)' },
};

/** The first such package the build installs: named in pip install, or in a requirements file or pyproject.toml beside the Dockerfile. */
function nativeLibraryPackage(context: LanguageContext, runs: RunStep[]): { name: string; library: string; instead: string } | undefined {
  const all = requirementsText(context, runs);
  for (const [name, facts] of Object.entries(NATIVE_LIBRARY_PACKAGES)) {
    // A requirement line or a quoted pyproject dependency: the name, then a version, an extra, a marker or the end.
    if (new RegExp(`(?:^|["'\\s])${name}\\s*(?:[<>=!~;\\[@"']|$)`, 'im').test(all)) return { name, ...facts };
  }
  return undefined;
}

/**
 * Every requirement the build installs, one a line, with the files requirements files
 * include; pyproject.toml also whole, for Poetry's `name = "^1.2"` tables.
 */
function requirementsText(context: LanguageContext, runs: RunStep[]): string {
  const sources = requirementSources(runs.flatMap((r) => r.commands), (path) => context.workspace?.readFile(path));
  const lines = requirementLines(sources, (path) => context.workspace?.readFile(path));
  return [...lines, ...sources.filter((s) => s.path?.endsWith('.toml')).map((s) => s.text.replace(/#.*$/gm, ''))].join('\n');
}
