/** How the accuracy doc's renderers print a fraction: one decimal as a percentage, and signed; '—' when not a number. */
export const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
export const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '—');
/** Signed to a whole percent with a true minus sign, as the MoE sections' prose and summary rows print it. */
export const signedWhole = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(0)}%` : '—');
