// The live transcript: server text as plain text (control characters made visible), kept
// scrolled to the end unless the reader scrolled up.
import { useEffect, useRef } from 'react';
import { visible } from '../../../shared/visible-text.js';

export function LiveTranscript({ lines }: { lines: string[] }) {
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines]);
  return (
    <>
      <h3>Live transcript</h3>
      <pre
        ref={ref}
        className="transcript"
        tabIndex={0}
        aria-label="Live transcript"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {lines.map((l) => visible(l, 600)).join('\n')}
      </pre>
    </>
  );
}
