import { Liquid } from 'liquidjs';

/**
 * The one liquid dialect flows are written in, shared by the schema (which parses every template
 * at load) and the engine (which renders them), so a template that loads is one that renders.
 * Unknown filters are errors: liquid would otherwise print the value unfiltered and hide a typo.
 */
export function createFlowLiquid(): Liquid {
  return new Liquid({ ownPropertyOnly: true, strictFilters: true, cache: false });
}

/** Why a template does not parse, and where in the template (1-based). */
export interface TemplateProblem {
  message: string;
  line: number;
  column: number;
}

const checker = createFlowLiquid();

/** Parses a template as the engine will; null when it is valid. */
export function templateProblem(source: string): TemplateProblem | null {
  try {
    checker.parse(source);
    return null;
  } catch (error) {
    const token = (error as { token?: { getPosition?: () => [number, number] } }).token;
    const [line, column] = token?.getPosition?.() ?? [1, 1];
    // liquidjs appends ", line:1, col:4" to its message; the position is reported separately.
    const message = String((error as Error).message ?? error).replace(/, line:\d+, col:\d+$/, '');
    return { message, line, column };
  }
}
