import { explained } from '../messages';
import type { DockerfileModel, Stage } from '../model';
import type { Finding, Fix, Rule, WorkspaceFiles } from '../types';
import { commandsOf } from '../shell';
import { packageInstalls, packageName } from '../packages';
import { CopyInstruction, chainCopies, chainInstructions, copySources, stageChainToBase, stageReference } from '../stages';
import { goBuildsFromBase } from '../goBuilds';
import { nonRuntimeStage } from './runtimeStage';
import { appendToStage } from './util';
import { imageRangeOf } from '../instructions';

const CA_PATH = '/etc/ssl/certs/ca-certificates.crt';
const MAX_SOURCE_FILES = 200;

/** Go code that makes outgoing HTTP(S) requests. */
const GO_HTTP_CLIENT = /\bhttp\.(?:Get|Post|PostForm|Head|NewRequest(?:WithContext)?|DefaultClient|Client\s*\{)|\bcredentials\.NewClientTLSFromCert|\btls\.Dial\b/;
/** Rust crates that make outgoing HTTPS requests. */
const RUST_HTTP_CLIENT = /^\s*(?:reqwest|ureq|isahc|surf|attohttpc|hyper-tls|hyper-rustls|awc|rusoto_core|aws-config)\s*=/m;

/**
 * scratch has no CA bundle: the first TLS connection the program makes fails with
 * "x509: certificate signed by unknown authority".
 */
export const scratchMissingCaCertificates: Rule = {
  id: 'scratch-missing-ca-certificates',
  defaultSeverity: 'warning',
  summary: 'A scratch stage that makes TLS connections but copies in no CA bundle.',
  check({ model, workspace }) {
    const stage = model.shipped;
    if (!stage || stage.base.family !== 'scratch' || nonRuntimeStage(model, stage)) return [];
    if (chainCopies(model, stage).some((c) => copiesCaBundle(c))) return [];
    const builders = copySources(model, stage).map((c) => c.from);
    if (builders.length === 0) return [];
    const installer = builders.find((b) => installsCaCertificates(model, b));
    const language = builders.map((b) => detectLanguage(model, b)).find((l) => l !== undefined);
    const reason = installer
      ? `stage "${stageReference(installer)}" installs ca-certificates, so the program expects to verify TLS`
      : language && usesHttpClient(language.language, workspace)
        ? `the ${language.language === 'go' ? 'Go' : 'Rust'} code beside this Dockerfile makes HTTP(S) requests`
        : undefined;
    if (!reason) return [];
    const source = installer ?? builders.find((b) => stageChainToBase(b).some((s) => s.base.caBundle));
    const fixes: Fix[] = source
      ? [{ title: `Copy the CA bundle from stage "${stageReference(source)}"`, preferred: true,
        edits: [appendToStage(model, stage, `COPY --from=${stageReference(source)} ${CA_PATH} /etc/ssl/certs/`)] }]
      : [];
    return [{
      range: imageRangeOf(stage.from) ?? stage.from.getRange(),
      message: explained('scratch has no CA certificates, so HTTPS calls fail: copy the bundle from the build stage',
        `scratch has no CA certificates, and ${reason}: every HTTPS call fails at run time with "certificate signed by unknown authority". ` +
        `Copy the bundle from the build stage (COPY --from=<builder> ${CA_PATH} /etc/ssl/certs/), or ship on gcr.io/distroless/static-debian13, which has it.`),
      fixes,
    } satisfies Finding];
  },
};

function copiesCaBundle(paths: CopyInstruction): boolean {
  return !paths.heredoc && [...paths.sources, paths.destination].some((p) => /ca-certificates|ca-bundle|\/etc\/ssl|\/etc\/pki|cacert/.test(p));
}

function installsCaCertificates(model: DockerfileModel, stage: Stage): boolean {
  return chainInstructions(stage).some((i) =>
    packageInstalls(model, i).some((p) => p.packages.some((w) => packageName(w) === 'ca-certificates'))
    || (i.getKeyword() === 'RUN' && commandsOf(model, i).some((c) => c.words[0]?.value === 'update-ca-certificates')));
}

function detectLanguage(model: DockerfileModel, stage: Stage): { language: 'go' | 'rust' } | undefined {
  if (stage.base.runtime === 'go' || goBuildsFromBase(model, stage).length > 0) return { language: 'go' };
  const cargo = chainInstructions(stage).some((i) => i.getKeyword() === 'RUN' && commandsOf(model, i).some((c) => c.words[0]?.value === 'cargo'));
  if (stage.base.runtime === 'rust' || cargo) return { language: 'rust' };
  return undefined;
}

function usesHttpClient(language: 'go' | 'rust', workspace: WorkspaceFiles | undefined): boolean {
  if (!workspace) return false;
  if (language === 'rust') {
    const cargo = workspace.readFile('Cargo.toml');
    return cargo !== undefined && RUST_HTTP_CLIENT.test(cargo);
  }
  const files = workspace.findFiles?.(/\.go$/, MAX_SOURCE_FILES) ?? [];
  return files.some((f) => !f.endsWith('_test.go') && GO_HTTP_CLIENT.test(workspace.readFile(f) ?? ''));
}
