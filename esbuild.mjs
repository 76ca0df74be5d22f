// Bundles the extension client, the language server and the CLI into dist/.
// One bundle per entry point so the .vsix ships no node_modules.
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/**
 * dockerode loads its BuildKit support (a gRPC session server and protobuf decoding of
 * build output) at start-up: @grpc/grpc-js, proto-loader and protobufjs, about 400 KB
 * minified, a third of each bundle that holds the Docker client. We never build images,
 * and in a bundle that code cannot work anyway: it reads .proto files next to its own
 * source, which are not in dist/. Each is replaced by a module that says so if called.
 */
const withoutBuildKit = {
  name: 'dockerode-without-buildkit',
  setup(build) {
    build.onResolve({ filter: /^\.\/(session|buildkit)$/ }, (args) =>
      /[\\/]dockerode[\\/]lib$/.test(args.resolveDir) ? { path: args.path, namespace: 'dockerode-without-buildkit' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'dockerode-without-buildkit' }, (args) => ({
      loader: 'js',
      contents: args.path === './session'
        // withSession(docker, auth, handler): dockerode passes the error to buildImage's callback.
        ? "module.exports = function withSession(docker, auth, handler) { handler(new Error('BuildKit builds (version 2) are not included in this bundle'), null, function () {}); };"
        : "module.exports = { followProgress: function () { throw new Error('docker.followProgress (BuildKit decoding) is not included in this bundle: use docker.modem.followProgress'); } };",
    }));
  },
};

/**
 * dockerfile-utils is a CommonJS package: esbuild keeps a bundled CommonJS module that
 * anything imports, used or not, and runs it at start-up. The engine imports its
 * `validate` for the syntax checks only the language server runs (engine/syntax.ts), so
 * the CLI bundles carried and ran 47 KB of it for nothing. Its modules only define
 * classes and functions, so it is marked free of side effects: a bundle keeps it only
 * where something calls it.
 */
const sideEffectFree = {
  name: 'side-effect-free',
  setup(build) {
    build.onResolve({ filter: /^dockerfile-utils$/ }, async (args) => {
      if (args.pluginData === 'side-effect-free') return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'side-effect-free' });
      return resolved.errors.length > 0 ? undefined : { path: resolved.path, sideEffects: false };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // ssh2's optional native helpers are loaded in try/catch; leave them out of the bundle.
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  plugins: [withoutBuildKit, sideEffectFree],
};

/**
 * The CLI is a small dispatcher (dist/cli.js) plus two bundles of sub-commands, each
 * required when one of its commands runs: dist/cli/engine-commands.js (lint, convert:
 * the engine and the host adapters) and dist/cli/docker-commands.js (debug, ls,
 * port-forward, convert --verify: the Docker client). The dispatcher's
 * `require('./<name>')` of a command becomes `require('./cli/<group>.js')`, so
 * `distroless --version` loads no command, `lint` the engine but not the Docker client,
 * and `debug` the Docker client but not the engine. One bundle per command carried the
 * engine or the Docker client in each of them: 3.5 MB of the 6.1 MB the .vsix unpacked to.
 */
const CLI_COMMANDS_DIR = 'server/src/cli/commands';
const CLI_COMMAND_TABLE = path.resolve(CLI_COMMANDS_DIR, 'index.ts');
const CLI_BUNDLES = {
  'engine-commands': ['lint', 'convert'],
  'docker-commands': ['debug', 'ls', 'portForward', 'convertVerify', 'convertBuild', 'attachDebugger'],
};
const cliCommands = fs.readdirSync(CLI_COMMANDS_DIR)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'types.ts')
  .map((f) => f.slice(0, -'.ts'.length));
const bundleOf = (name) => Object.keys(CLI_BUNDLES).find((bundle) => CLI_BUNDLES[bundle].includes(name));
const unbundled = cliCommands.filter((name) => !bundleOf(name));
if (unbundled.length > 0) throw new Error(`esbuild.mjs: add ${unbundled.join(', ')} to CLI_BUNDLES (the engine's commands or the Docker client's)`);

const commandsApart = {
  name: 'cli-commands-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/[A-Za-z0-9_-]+$/ }, (args) => {
      if (args.importer !== CLI_COMMAND_TABLE) return undefined;
      const bundle = bundleOf(args.path.slice(2));
      return bundle ? { path: `./cli/${bundle}.js`, external: true } : undefined;
    });
  },
};

/**
 * The Docker client (dockerode, ssh2: about 2 MB) that the local image facts provider
 * (server/src/host/imageFacts/provider.ts) loads on first use is its own bundle,
 * dist/cli/docker.js, shared by the language server and the CLI's lint: neither parses
 * it at start-up, and `lint` on a Dockerfile with no base image to read never loads it.
 */
const PROVIDER = path.resolve('server/src/host/imageFacts/provider.ts');
const dockerApart = (fromDist) => ({
  name: 'docker-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/\.\.\/docker\/connection$/ }, (args) =>
      args.importer === PROVIDER ? { path: fromDist, external: true } : undefined);
  },
});
/**
 * yaml (about 110 KB minified, a fifth of the engine's commands) is its own bundle,
 * dist/cli/yaml.js, required on the first YAML file read (a .distroless.yaml, a Compose,
 * skaffold or workflow file: server/src/host/config, host/buildTargets). A lint of
 * folders without such files does not compile it (measured: about 14 ms of CPU of the
 * 40 ms that loading engine-commands.js took).
 */
const SERVER_SRC = path.resolve('server/src') + path.sep;
const yamlApart = (fromDist) => ({
  name: 'yaml-apart',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, (args) =>
      args.importer.startsWith(SERVER_SRC) ? { path: fromDist, external: true } : undefined);
  },
});

/**
 * For the bundles that use dockerApart: the provider's `import()` of the Docker client
 * becomes `require` (in a promise). Node's own import() of a CommonJS file first scans
 * all of it for its exports (cjs-module-lexer over 480 KB), which took longer than
 * connecting to the engine: measured 0.1-0.5 s on the first image lookup of `lint`.
 */
const requireApart = { supported: { 'dynamic-import': false } };

/**
 * ssh2 (and its crypto: about two thirds of dist/cli/docker.js) is only used for an
 * `ssh://` engine address, yet docker-modem requires it when it loads, so every first
 * image read of `lint` compiled it: 10-20 ms of CPU, several times that on a loaded
 * machine (docs/benchmarks.md, the first read). In docker.js, docker-modem's require of
 * its SSH transport is moved to where an ssh:// connection is made, and ssh2 is a bundle
 * of its own beside it (dist/cli/ssh2.js), loaded then.
 */
const sshOnUse = {
  name: 'ssh-on-use',
  setup(build) {
    build.onLoad({ filter: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const eager = "ssh = require('./ssh'),";
      if (!source.includes(eager)) throw new Error(`${args.path}: docker-modem no longer requires ./ssh this way; update sshOnUse in esbuild.mjs`);
      return { loader: 'js', contents: source.replace(eager, "ssh = function (opts) { return require('./ssh')(opts); },") };
    });
    build.onResolve({ filter: /^ssh2$/ }, () => ({ path: './ssh2.js', external: true }));
  },
};

// Dependencies bundled from their ESM build (tinyglobby's fdir) read import.meta.url,
// which a CommonJS bundle lacks; give them the bundle's own URL.
const importMetaUrl = {
  banner: { js: "const __import_meta_url = require('url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__import_meta_url' },
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
  // Also the `distroless-language-server` bin (`--stdio`) for other editors: needs its shebang.
  { entryPoints: ['server/src/lsp/server.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' }, ...requireApart, plugins: [...common.plugins, dockerApart('./cli/docker.js'), yamlApart('./cli/yaml.js')] },
  { entryPoints: ['server/src/docker/connection.ts'], outfile: 'dist/cli/docker.js', plugins: [...common.plugins, sshOnUse] },
  { stdin: { contents: "module.exports = require('yaml');", resolveDir: '.', sourcefile: 'yaml.js', loader: 'js' }, outfile: 'dist/cli/yaml.js' },
  { stdin: { contents: "module.exports = require('ssh2');", resolveDir: '.', sourcefile: 'ssh2.js' }, outfile: 'dist/cli/ssh2.js' },
  {
    entryPoints: ['server/src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [...common.plugins, commandsApart],
  },
  ...Object.entries(CLI_BUNDLES).map(([bundle, names]) => ({
    // One module that re-exports each command of the group: the bundle's exports are the commands' exports.
    stdin: { contents: names.map((name) => `export * from './${name}';`).join('\n'), resolveDir: CLI_COMMANDS_DIR, sourcefile: `${bundle}.ts`, loader: 'ts' },
    outfile: `dist/cli/${bundle}.js`,
    ...importMetaUrl,
    ...requireApart,
    plugins: [...common.plugins, dockerApart('./docker.js'), yamlApart('./yaml.js')],
  })),
  // The GitHub Action (action.yml): one self-contained file, as a runner runs `main` with node.
  { entryPoints: ['server/src/cli/githubAction.ts'], outfile: 'dist/action.js', ...importMetaUrl },
];

if (watch) {
  for (const entry of entries) {
    const ctx = await esbuild.context({ ...common, ...entry });
    await ctx.watch();
  }
} else {
  await Promise.all(entries.map((entry) => esbuild.build({ ...common, ...entry })));
  // A bundle an older layout wrote (dist/cli/lint.js) would otherwise be packed into the .vsix.
  const written = new Set(entries.map((entry) => path.resolve(entry.outfile)));
  for (const name of fs.readdirSync('dist/cli')) {
    const file = path.resolve('dist/cli', name);
    if (!written.has(file.replace(/\.map$/, ''))) fs.rmSync(file);
  }
}

/**
 * The port-forward sidecar's forwarder, built for each architecture (server/forwarder/build.sh,
 * committed): the Docker client's bundles copy it into the sidecar from dist/forwarder/.
 */
fs.rmSync('dist/forwarder', { recursive: true, force: true });
fs.mkdirSync('dist/forwarder', { recursive: true });
for (const name of fs.readdirSync('server/forwarder/bin').filter((n) => n.startsWith('forwarder-'))) {
  fs.copyFileSync(path.join('server/forwarder/bin', name), path.join('dist/forwarder', name));
}
