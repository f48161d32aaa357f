import { useEffect, useRef, type ReactNode } from 'react';

export const APP_NAME = 'OneVisit 工作台';

/**
 * The page's heading. It sets the document title and, unless the page focuses something more
 * useful itself, takes focus so a screen reader announces the new page after navigation.
 */
export function PageTitle({ title, children, focus = true }: { title: string; children?: ReactNode; focus?: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} - ${APP_NAME}`;
    if (focus) ref.current?.focus({ preventScroll: true });
  }, [title, focus]);
  return (
    <div className="page-header">
      <h1 ref={ref} tabIndex={-1}>
        {title}
      </h1>
      {children && <div className="page-header-extra">{children}</div>}
    </div>
  );
}
