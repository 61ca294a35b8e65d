import type { SVGProps } from "react";

/**
 * Inline stroke icons (24×24 grid, currentColor), so no icon library ships to the
 * browser. Decorative by default: the control that holds one supplies the name.
 */
type IconProps = Omit<SVGProps<SVGSVGElement>, "children">;

function Icon({ className = "size-4", paths, ...props }: IconProps & { paths: readonly string[] }) {
  return (
    <svg
      aria-hidden="true"
      focusable="false"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
      {...props}
    >
      {paths.map((path) => (
        <path key={path} d={path} />
      ))}
    </svg>
  );
}

const shapes = {
  thumbUp: [
    "M7 10v10",
    "M15 5.9 14 10h5.8a2 2 0 0 1 1.9 2.5l-1.9 6A2 2 0 0 1 17.9 20H4a1 1 0 0 1-1-1v-8a1 1 0 0 1 1-1h2.8a2 2 0 0 0 1.8-1.1L12 2a3.1 3.1 0 0 1 3 3.9z",
  ],
  thumbDown: [
    "M17 14V4",
    "M9 18.1 10 14H4.2a2 2 0 0 1-1.9-2.5l1.9-6A2 2 0 0 1 6.1 4H20a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1h-2.8a2 2 0 0 0-1.8 1.1L12 22a3.1 3.1 0 0 1-3-3.9z",
  ],
  copy: [
    "M10 8h9a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-9a2 2 0 0 1-2-2v-9a2 2 0 0 1 2-2z",
    "M4 16a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2",
  ],
  check: ["M20 6 9 17l-5-5"],
  externalLink: [
    "M15 3h6v6",
    "M10 14 21 3",
    "M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6",
  ],
  fileText: [
    "M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z",
    "M14 3v5h5",
    "M9 13h6",
    "M9 17h4",
  ],
  close: ["M18 6 6 18", "M6 6l12 12"],
  info: ["M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z", "M12 16v-4", "M12 8h.01"],
  warning: [
    "M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z",
    "M12 9v4",
    "M12 17h.01",
  ],
  shieldOff: ["M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z", "M9.5 9.5l5 5", "M14.5 9.5l-5 5"],
  chevronDown: ["M6 9l6 6 6-6"],
  send: ["M12 19V5", "M5 12l7-7 7 7"],
  stop: ["M7 5h10a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z"],
  retry: ["M3 12a9 9 0 1 0 3-6.7L3 8", "M3 3v5h5"],
  plus: ["M12 5v14", "M5 12h14"],
  trash: [
    "M3 6h18",
    "M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2",
    "M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6",
    "M10 11v6",
    "M14 11v6",
  ],
  menu: ["M4 6h16", "M4 12h16", "M4 18h16"],
  bookOpen: [
    "M2 4h6a4 4 0 0 1 4 4v13a3 3 0 0 0-3-3H2z",
    "M22 4h-6a4 4 0 0 0-4 4v13a3 3 0 0 1 3-3h7z",
  ],
  sun: [
    "M12 16a4 4 0 1 0 0-8 4 4 0 0 0 0 8z",
    "M12 2v2",
    "M12 20v2",
    "M4.9 4.9l1.4 1.4",
    "M17.7 17.7l1.4 1.4",
    "M2 12h2",
    "M20 12h2",
    "M4.9 19.1l1.4-1.4",
    "M17.7 6.3l1.4-1.4",
  ],
  moon: ["M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z"],
  monitor: [
    "M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    "M8 21h8",
    "M12 17v4",
  ],
} as const satisfies Record<string, readonly string[]>;

export const ThumbUpIcon = (p: IconProps) => <Icon paths={shapes.thumbUp} {...p} />;
export const ThumbDownIcon = (p: IconProps) => <Icon paths={shapes.thumbDown} {...p} />;
export const CopyIcon = (p: IconProps) => <Icon paths={shapes.copy} {...p} />;
export const CheckIcon = (p: IconProps) => <Icon paths={shapes.check} {...p} />;
export const ExternalLinkIcon = (p: IconProps) => <Icon paths={shapes.externalLink} {...p} />;
export const FileTextIcon = (p: IconProps) => <Icon paths={shapes.fileText} {...p} />;
export const CloseIcon = (p: IconProps) => <Icon paths={shapes.close} {...p} />;
export const InfoIcon = (p: IconProps) => <Icon paths={shapes.info} {...p} />;
export const WarningIcon = (p: IconProps) => <Icon paths={shapes.warning} {...p} />;
export const ShieldOffIcon = (p: IconProps) => <Icon paths={shapes.shieldOff} {...p} />;
export const ChevronDownIcon = (p: IconProps) => <Icon paths={shapes.chevronDown} {...p} />;
export const SendIcon = (p: IconProps) => <Icon paths={shapes.send} {...p} />;
/** Filled: a solid square reads as "stop" at small sizes. */
export const StopIcon = (p: IconProps) => <Icon paths={shapes.stop} fill="currentColor" {...p} />;
export const RetryIcon = (p: IconProps) => <Icon paths={shapes.retry} {...p} />;
export const PlusIcon = (p: IconProps) => <Icon paths={shapes.plus} {...p} />;
export const TrashIcon = (p: IconProps) => <Icon paths={shapes.trash} {...p} />;
export const MenuIcon = (p: IconProps) => <Icon paths={shapes.menu} {...p} />;
/** An open book: the in-app article reader. */
export const BookOpenIcon = (p: IconProps) => <Icon paths={shapes.bookOpen} {...p} />;
export const SunIcon = (p: IconProps) => <Icon paths={shapes.sun} {...p} />;
export const MoonIcon = (p: IconProps) => <Icon paths={shapes.moon} {...p} />;
/** A screen: "follow the system's setting". */
export const MonitorIcon = (p: IconProps) => <Icon paths={shapes.monitor} {...p} />;
