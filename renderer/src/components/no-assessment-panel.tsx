// What a screen that works on the open assessment shows when none is open: a way back to the
// engagements, where one is opened.
import type { Go } from '../app.js';

export function NoAssessmentPanel({ title, go }: { title: string; go: Go }) {
  return (
    <section className="panel">
      <h2>{title}</h2>
      <p className="muted">
        Open an assessment first.{' '}
        <button type="button" className="link" onClick={() => go('engagements')}>
          Engagements
        </button>
      </p>
    </section>
  );
}
