/** What the dispatcher said about their audio when the console opened. */
export type HeadphonesAnswer = 'unasked' | 'headphones' | 'speakers';

/**
 * Asked when the console opens: a dispatcher on speakers sends every monitored channel back out on the one
 * they talk on. When an event requires headphones, its talk buttons stay off until "Headphones" is chosen.
 */
export function HeadphonesQuestion(props: {
  answer: HeadphonesAnswer;
  required: boolean;
  onAnswer: (answer: HeadphonesAnswer) => void;
}) {
  const { answer, required, onAnswer } = props;
  if (answer === 'headphones') return null;
  if (answer === 'speakers' && !required) return null;
  return (
    <div className="console__question" role="group" aria-label="Headphones">
      <p>
        <strong>Are you on headphones?</strong> On speakers your microphone picks up the channels you monitor
        and sends them out on the channel you talk on.
        {required && ' This event requires headphones for dispatchers: talking is off until you confirm.'}
      </p>
      <button type="button" className="button" onClick={() => onAnswer('headphones')}>
        I am on headphones
      </button>
      {!required && (
        <button type="button" className="button button--ghost" onClick={() => onAnswer('speakers')}>
          Speakers
        </button>
      )}
    </div>
  );
}
