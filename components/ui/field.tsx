import type { ReactNode } from "react";

/** What a field's control must carry: its id (the label's target) and its description. */
export interface FieldControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}

/**
 * A form field: its label, the control (rendered by `children` with the props that wire it
 * up), and below it the field's error, or else its hint. The shown one describes the control
 * (`aria-describedby`, ids `<id>-error` / `<id>-hint`); an error also sets `aria-invalid`.
 */
export function Field({
  id,
  label,
  hint,
  error,
  className = "",
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const control: FieldControlProps = {
    id,
    "aria-describedby": error ? errorId : hint ? hintId : undefined,
    "aria-invalid": error ? true : undefined,
  };
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="font-medium text-sm">
        {label}
      </label>
      {children(control)}
      {error ? (
        <p id={errorId} className="text-danger text-xs">
          {error}
        </p>
      ) : hint ? (
        <p id={hintId} className="text-muted text-xs">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
