/** The 格 mark: a square grid in the party red. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="6" fill="#c8102e" />
      <path d="M8 8h16v16H8z M16 8v16 M8 16h16" stroke="#fff" strokeWidth="2.5" fill="none" />
    </svg>
  );
}
