import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { deadlineColour, DEADLINE_HEX, type EventDeadline } from './logic';

/**
 * The 三色 tag of a clock: green on time, yellow past its warning, red overdue, grey paused or without a deadline.
 * `now` is given, not read, so the colour is a function of the deadlines and a clock.
 */
export function DeadlineTag({
  deadlines,
  now,
  testId = 'event-deadline',
  label,
}: {
  deadlines: readonly EventDeadline[] | null | undefined;
  now: Date;
  testId?: string;
  /** Text instead of the colour's name (e.g. the due time). */
  label?: string;
}) {
  const { t } = useTranslation();
  const colour = deadlineColour(deadlines, now);
  return (
    <Tag
      color={colour === 'grey' ? undefined : DEADLINE_HEX[colour]}
      data-testid={testId}
      data-colour={colour}
    >
      {label ?? t(`events.deadlineColour.${colour}`)}
    </Tag>
  );
}
