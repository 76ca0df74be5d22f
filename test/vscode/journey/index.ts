/** Every user journey, in the order the runner drives them; each gets a fresh page and workspace copy. */
import { fixDiagnosticJourney } from './fixDiagnostic.journey';
import type { Journey } from './workbench';

// The containers journey (docs/testing.md, "Adding the containers journey") is listed here when the containers view lands.
export const JOURNEYS: readonly Journey[] = [fixDiagnosticJourney];
