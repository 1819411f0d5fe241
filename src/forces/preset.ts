/** The setting that names the active force preset (F2); without it the default below holds. */
export const FORCE_PRESET_SETTING = 'forces.preset';
/** Default preset: "1+4+X" of 000 (Youyilu), the demo street's own; "1+6" (003) ships beside it. */
export const DEFAULT_FORCE_PRESET = '1+4+X';
