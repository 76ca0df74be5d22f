/**
 * Python: the build moves to python:3.13-slim-trixie, the same minor as the
 * distroless python3 (compiled wheels are tied to it); the packages the build
 * installed ship as a plain directory on PYTHONPATH, because a venv's interpreter
 * links point at /usr/local/bin/python, which the runtime does not have.
 */
import { DISTROLESS_PYTHON_VERSION, PYTHON_BUILDER_IMAGE, interpreterWords, suggestedDistrolessImage } from '../imageFacts';
import { isInside, resolvePath } from '../stages';
import { appOwnedByUser, builderImageEdit, flagValue, splitTag, usesApk, writableDirectories } from './common';
import type { LanguageContext, LanguageConverter, PlanResult, RunStep } from './types';

const PYTHON = interpreterWords('python') as RegExp;
/** Servers and tools that are runnable as `python -m <module>`. */
const MODULE_COMMANDS: Record<string, string> = {
  gunicorn: 'gunicorn', uvicorn: 'uvicorn', flask: 'flask', hypercorn: 'hypercorn', celery: 'celery',
  daphne: 'daphne', streamlit: 'streamlit', 'django-admin': 'django', waitress: 'waitress',
};
const SITE = `lib/python${DISTROLESS_PYTHON_VERSION}/site-packages`;
const TOOLING = new Set(['pip', 'setuptools', 'wheel', 'pip-tools', 'poetry', 'pipenv', 'uv']);

export const pythonConverter: LanguageConverter = {
  language: 'python',
  plan(context): PlanResult {
    const root = context.chain[0];
    if (root.base.runtime !== 'python') {
      return { refuse: `the build installs Python on ${root.resolvedImage ?? 'its base image'} rather than using the python image, and the distroless runtime runs Python ${DISTROLESS_PYTHON_VERSION}: base the build on ${PYTHON_BUILDER_IMAGE} and convert again` };
    }
    if (root.base.libc === 'musl' && usesApk(context.runs)) {
      return { refuse: `the build runs apk on an Alpine python image, but packages for the distroless runtime must be built on Debian (${PYTHON_BUILDER_IMAGE}): replace apk add with apt-get install and convert again` };
    }
    const args = pythonArguments(context.start, context.workdir);
    if ('refuse' in args) return args;
    const appDir = context.workdir !== '/' ? context.workdir : undefined;
    if (!appDir) return { refuse: 'the app has no WORKDIR, so the directory to ship is unknown: set WORKDIR to the app directory and convert again' };

    const site = sitePackages(context);
    if (typeof site === 'object') return site;

    const edits = [];
    const tagEdit = builderImageEdit(context.model, context.chain, (text) => {
      if (text === PYTHON_BUILDER_IMAGE) return undefined;
      const { name } = splitTag(text);
      return `${name}:${splitTag(PYTHON_BUILDER_IMAGE).tag}`;
    });
    if (!tagEdit && root.resolvedImage !== PYTHON_BUILDER_IMAGE) {
      return { refuse: `the build stage's python image cannot be changed by one edit, and it must be ${PYTHON_BUILDER_IMAGE} to match the runtime's Python: set it and convert again` };
    }
    if (tagEdit) edits.push(tagEdit);

    const chown = appOwnedByUser(context.model, context.chain, context.runs) ? '--chown=65532:65532 ' : '';
    const copies: string[] = [];
    const env: string[] = [];
    if (site) {
      if (!isInside(site, appDir)) copies.push(`COPY --from=${context.buildName} ${site} ${site}`);
      const existing = context.stage.env.get('PYTHONPATH');
      env.push(`ENV PYTHONPATH=${site}${existing ? `:${existing}` : ''}`);
    }
    copies.push(`COPY --from=${context.buildName} ${chown}${appDir} ${appDir}`);
    for (const dir of writableDirectories(context.runs, appDir)) copies.push(`COPY --from=${context.buildName} --chown=65532:65532 ${dir} ${dir}`);
    return {
      runtimeImage: suggestedDistrolessImage('python', undefined, context.distrolessRegistry),
      replaceShipped: false,
      copies,
      env,
      workdir: appDir,
      cmd: args.args,
      edits,
    };
  },
};

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
function sitePackages(context: LanguageContext): string | undefined | { refuse: string } {
  let venv: string | undefined;
  let site: string | undefined;
  const env = context.stage.env;
  for (const run of context.runs) {
    for (const c of run.commands) {
      const program = c[0].split('/').pop() ?? c[0];
      if ((PYTHON.test(c[0]) && c[1] === '-m' && (c[2] === 'venv' || c[2] === 'virtualenv')) || program === 'virtualenv') {
        const dir = c.slice(program === 'virtualenv' ? 1 : 3).find((w) => !w.startsWith('-'));
        if (dir) venv = resolvePath(dir, run.workdir);
      } else if (isPipInstall(c)) {
        site = pipTarget(c, run, venv) ?? site;
      } else if (program === 'poetry' && c[1] === 'install') {
        if (env.get('POETRY_VIRTUALENVS_CREATE') === 'false' || context.runs.some((r) => /virtualenvs\.create\s+false/.test(r.text))) site = `/usr/local/${SITE}`;
        else if (env.get('POETRY_VIRTUALENVS_IN_PROJECT') === 'true' || context.runs.some((r) => /virtualenvs\.in-project\s+true/.test(r.text))) site = `${run.workdir}/.venv/${SITE}`;
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

function isPipInstall(c: string[]): boolean {
  const program = c[0].split('/').pop() ?? c[0];
  const args = /^pip[\d.]*$/.test(program) ? c.slice(1) : PYTHON.test(c[0]) && c[1] === '-m' && /^pip[\d.]*$/.test(c[2] ?? '') ? c.slice(3)
    : program === 'uv' && c[1] === 'pip' ? c.slice(2) : undefined;
  if (!args || args[0] !== 'install') return false;
  const packages = args.slice(1).filter((w) => !w.startsWith('-'));
  const fromFiles = args.some((w) => w === '-r' || w.startsWith('--requirement') || w === '-e' || w === '.');
  // Upgrading pip or setuptools alone installs nothing the app imports.
  return fromFiles || packages.some((p) => !TOOLING.has(p.replace(/[<>=~!].*$/, '').toLowerCase()));
}

function pipTarget(c: string[], run: RunStep, venv: string | undefined): string {
  const target = flagValue(c, ['--target', '-t']);
  if (target) return resolvePath(target, run.workdir);
  const prefix = flagValue(c, ['--prefix']);
  if (prefix) return `${resolvePath(prefix, run.workdir)}/${SITE}`;
  if (c.includes('--user')) return `/root/.local/${SITE}`;
  const program = c[0];
  if (venv && (program.startsWith(venv) || (run.stage.env.get('PATH') ?? '').includes(`${venv}/bin`) || run.text.includes(`${venv}/bin/activate`))) return `${venv}/${SITE}`;
  return `/usr/local/${SITE}`;
}
