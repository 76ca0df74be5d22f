import { explained, shortImage } from '../messages';
import { conversionOf, type ConversionPlan, type ImageTarget } from '../convert';
import { lazyFixes } from '../fixes';
import { dotnetChiseledProductImage, dotnetProductOf, imageName, suggestedDistrolessImage, Runtime } from '../imageFacts';
import type { DockerfileModel } from '../model';
import { copySources } from '../stages';
import type { Fix, Rule, WorkspaceFiles } from '../types';
import { shippedDescription } from './util';
import { imageOf, imageRangeOf } from '../instructions';

/**
 * The shipped stage runs on a general-purpose OS or toolchain image. The fix is the
 * whole-file conversion (conversion.md), offered by the converter when it can decide
 * the language and the artifact; it is planned only when the fix is read.
 */
export const finalStageFullOs: Rule = {
  id: 'final-stage-full-os',
  defaultSeverity: 'warning',
  summary: 'The shipped stage runs on a general-purpose OS or toolchain image.',
  check({ model, workspace, distrolessRegistry, convertTo }) {
    const stage = model.shipped;
    if (!stage || stage.base.family !== 'general') return [];
    let runtime: Runtime = stage.base.runtime;
    let version = stage.base.runtimeVersion;
    // What an OS image runs comes from what is copied onto it (a Go binary on alpine).
    // A service or toolchain image runs its own program: files copied from a Node
    // build onto nginx are pages it serves, not a Node app to ship on a Node runtime.
    if (runtime === 'none' && stage.base.kind !== 'service' && stage.base.kind !== 'toolchain') {
      const source = copySources(model, stage).find((c) => c.from.base.runtime !== 'none');
      if (source) {
        runtime = source.from.base.runtime;
        version = source.from.base.runtimeVersion;
      }
    }
    const image = stage.resolvedImage ?? imageOf(stage.from) ?? 'this image';
    // A service (nginx, postgres) or a language with no distroless runtime (ruby, php): the
    // finding is true, but there is no distroless image to name, so it is information.
    // Decided from the image facts alone: the message never waits for the converter.
    if (runtime === 'none' && (stage.base.kind === 'service' || stage.base.kind === 'toolchain')) {
      return [{
        range: imageRangeOf(stage.from) ?? stage.from.getRange(),
        severity: 'information',
        message: explained(`Ships on ${shortImage(image, 30)}, a full OS with no distroless equivalent: use its smallest variant`,
          `${shippedDescription(model, stage)} runs on ${image}, a full OS with a shell and package manager: more to patch and more for an attacker to use. ` +
          `No distroless image carries what ${imageName(stage.base.ref)} runs, so there is nothing to convert to; ship its smallest variant that has what the app needs and keep build tools in a build stage.`),
        fixes: [],
      }];
    }
    // The image named is the converter's decision (a Go binary copied onto node:24 ships on
    // static, not nodejs24), so the headline and Convert never disagree. Planning decides
    // the runtime image without writing the file; where the converter refuses, the facts
    // of the image suggest one (a .NET runtime image keeps its product on the chiseled tag).
    // The same options as the Analysis's own conversion, so both read one cached plan.
    const planned = plan(model, workspace, distrolessRegistry, convertTo);
    const product = dotnetProductOf(stage.base.ref);
    const target = (planned.ok ? planned.runtimeImage : undefined)
      ?? (product && product !== 'sdk' ? dotnetChiseledProductImage(product, version) : undefined)
      ?? suggestedDistrolessImage(runtime, version, distrolessRegistry);
    const finding = {
      range: imageRangeOf(stage.from) ?? stage.from.getRange(),
      message: explained(`Ships on ${shortImage(image, 25)}, a full OS: ship the artifact on ${shortImage(target, 32)}`,
        `${shippedDescription(model, stage)} runs on ${image}, a full OS with a shell and package manager: ` +
        `more to patch, more for an attacker to use, and a larger image. ` +
        `Ship only the artifact on a distroless image such as ${target} in a multi-stage build.`),
    };
    // The conversion is written only when the fix is asked for (a code action, --fix
    // listing, a JSON report), never on a keystroke. When the converter refuses, there is
    // no fix; `distroless convert` and the Convert to Distroless command say why.
    return [lazyFixes(finding, () => conversionFix(model, planned))];
  },
};

function plan(model: DockerfileModel, workspace: WorkspaceFiles | undefined, distrolessRegistry: string | undefined, to?: ImageTarget): ConversionPlan {
  try {
    return conversionOf(model, { workspace, distrolessRegistry, to });
  } catch (error) {
    // A converter bug must not take the diagnostic down with it.
    return { ok: false, reason: `the converter failed (${String(error)})` };
  }
}

function conversionFix(model: DockerfileModel, planned: ConversionPlan): Fix[] {
  if (!planned.ok) return [];
  let conversion: ReturnType<typeof planned.write>;
  try {
    conversion = planned.write();
  } catch {
    // As for a converter that refuses: the warning stands, without a fix.
    return [];
  }
  if (!conversion.changed) return [];
  // The whole document is replaced: the conversion touches the build stage too
  // (compiler flags, builder tag). Kept out of fix-all: a rewrite this large is
  // applied only when the user asks for it and can read it.
  const end = model.document.positionAt(model.text.length);
  return [{
    title: `Convert to a distroless multi-stage build (${conversion.runtimeImage})`,
    edits: [{ range: { start: { line: 0, character: 0 }, end }, newText: conversion.text }],
    fixAll: false,
  }];
}
