/** Every user journey, in the order the runner drives them; each gets a fresh page and workspace copy. */
import { attachDebugShellJourney } from './attachDebugShell.journey';
import { attachDebuggerJourney } from './attachDebugger.journey';
import { convertJourney } from './convert.journey';
import { convertAndVerifyJourney } from './convertAndVerify.journey';
import { convertFromBuildJourney } from './convertFromBuild.journey';
import { debugPodJourney } from './debugPod.journey';
import { fixDiagnosticJourney } from './fixDiagnostic.journey';
import { fromHoverJourney } from './fromHover.journey';
import { settingsJourney } from './settings.journey';
import type { Journey } from './workbench';

export const JOURNEYS: readonly Journey[] = [fixDiagnosticJourney, convertJourney, convertAndVerifyJourney, convertFromBuildJourney, attachDebugShellJourney, attachDebuggerJourney, debugPodJourney, settingsJourney, fromHoverJourney];
