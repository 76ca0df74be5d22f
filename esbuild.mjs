// Bundles the extension client, the language server and the CLI into dist/.
// One bundle per entry point so the .vsix ships no node_modules.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

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
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
  // Also the `distroless-language-server` bin (`--stdio`) for other editors: needs its shebang.
  { entryPoints: ['server/src/lsp/server.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } },
  {
    entryPoints: ['server/src/cli/main.ts'],
    outfile: 'dist/cli.js',
    // Dependencies bundled from their ESM build (tinyglobby's fdir) read import.meta.url,
    // which a CommonJS bundle lacks; give them this file's URL.
    banner: { js: "#!/usr/bin/env node\nconst __import_meta_url = require('url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__import_meta_url' },
  },
];

if (watch) {
  for (const entry of entries) {
    const ctx = await esbuild.context({ ...common, ...entry });
    await ctx.watch();
  }
} else {
  await Promise.all(entries.map((entry) => esbuild.build({ ...common, ...entry })));
}
