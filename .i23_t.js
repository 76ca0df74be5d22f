const { DockerfileLanguageServiceFactory } = require('dockerfile-language-service');
const { semanticTokens } = require('./out/server/src/lsp/semanticTokens');
const fs = require('fs');
const s = DockerfileLanguageServiceFactory.createLanguageService();
const files = fs.readdirSync('/work/shared/corpus/dockerfiles').map(f => fs.readFileSync('/work/shared/corpus/dockerfiles/' + f, 'utf8'));
let base = files.join('\n');
(async () => {
  // equality on small docs
  let same = 0, diff = 0;
  for (const f of files) { const a = s.computeSemanticTokens(f).data; const b = (await semanticTokens(f, { compute: (t) => s.computeSemanticTokens(t), stopped: () => false })).data; if (JSON.stringify(a) === JSON.stringify(b)) same++; else diff++; }
  console.log('same', same, 'diff', diff);
  let t16 = base.slice(0, 16*1024);
  const a = s.computeSemanticTokens(t16).data; const b = (await semanticTokens(t16, { compute: (t) => s.computeSemanticTokens(t), stopped: () => false })).data;
  console.log('16KB same?', JSON.stringify(a) === JSON.stringify(b), a.length, b.length);
  for (const kb of [64, 256, 1024, 5120]) {
    let t = base; while (t.length < kb * 1024) t += base; t = t.slice(0, kb * 1024);
    let st = Date.now(); const r = await semanticTokens(t, { compute: (x) => s.computeSemanticTokens(x), stopped: () => false }); console.log(kb, Date.now() - st, r.data.length);
  }
})();
