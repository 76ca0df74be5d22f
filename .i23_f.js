const { DockerfileLanguageServiceFactory } = require('dockerfile-language-service');
const fs = require('fs');
const s = DockerfileLanguageServiceFactory.createLanguageService();
const files = fs.readdirSync('/work/shared/corpus/dockerfiles').map(f => fs.readFileSync('/work/shared/corpus/dockerfiles/' + f, 'utf8'));
let base = files.join('\n');
for (const kb of [64, 256]) {
  let t = base; while (t.length < kb * 1024) t += base; t = t.slice(0, kb * 1024);
  const pos = { line: 100, character: 2 };
  for (const [n, f] of Object.entries({ hover: () => s.computeHover(t, pos), fold: () => s.computeFoldingRanges(t), sym: () => s.computeSymbols({ uri: 'x' }, t), hl: () => s.computeHighlightRanges(t, pos), links: () => s.computeLinks(t), fmt: () => s.format(t, { tabSize: 4, insertSpaces: true }), def: () => s.computeDefinition({uri:'x'}, t, pos), comp: () => s.computeCompletionItems(t, pos), sig: () => s.computeSignatureHelp(t, pos) })) {
    const st = Date.now(); f(); console.log(kb, n, Date.now() - st);
  }
}
