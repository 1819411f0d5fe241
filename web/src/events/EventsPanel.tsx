import { useCallback, useEffect, useRef, useState } from 'react';
import { Card, Empty, Statistic, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { eventApi, streamUrl, type EventSummary } from './api';
import { countersQuery, FEED_SIZE, OPEN_EVENTS_SIZE } from '../dashboard/firstScreen';
import { completionRate, FINAL_STATES, isEventMessage, stateColour } from './logic';
import './events.css';

/** Without a stream message the panel still refreshes now and then (a proxy may cut the stream). */
const POLL_MS = 60_000;

/** hh:mm today, else the day and month: the feed is narrow. */
function shortTime(iso: string, language: string): string {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return date.toLocaleString(language === 'en' ? 'en-GB' : 'zh-CN', {
    ...(today ? {} : { month: '2-digit', day: '2-digit' }),
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

export interface EventCounters {
  today: number;
  open: number;
  overdue: number | null;
  completion: number | null;
}

/** The open events of the user's grids (newest 200), for the map's markers and the overdue counter. */
export type OpenEvents = EventSummary[];

async function loadCounters(
  now: Date,
  signal: AbortSignal,
): Promise<{ counters: EventCounters; open: OpenEvents }> {
  // the counters in one answer (GET /api/events/stats), the newest events for the map's markers beside it
  const [stats, newest] = await Promise.all([
    eventApi.stats(countersQuery(now), signal),
    eventApi.list({ pageSize: OPEN_EVENTS_SIZE }, signal),
  ]);
  const open = newest.items.filter((item) => !(FINAL_STATES as readonly string[]).includes(item.state));
  return {
    counters: {
      today: stats.today,
      open: stats.open,
      overdue: stats.overdue,
      completion: completionRate(stats.periodDone, stats.periodTotal),
    },
    open,
  };
}

export interface EventsPanelProps {
  onOpen(id: number): void;
  /** The open events, for the map beside the panel. */
  onOpenEvents(events: OpenEvents): void;
}

/**
 * 事件动态 on the dashboard: today's reports, open events, overdue ones (when the server gives deadlines) and the
 * completion rate, then the newest events, refreshed the moment the live stream says an event changed.
 */
export function EventsPanel({ onOpen, onOpenEvents }: EventsPanelProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [counters, setCounters] = useState<EventCounters | null>(null);
  const [feed, setFeed] = useState<EventSummary[] | null>(null);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [live, setLive] = useState(false);
  const [tick, setTick] = useState(0);
  const known = useRef<Set<number> | null>(null);
  const onOpenEventsRef = useRef(onOpenEvents);
  onOpenEventsRef.current = onOpenEvents;

  const refresh = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    const now = new Date();
    eventApi
      .list({ pageSize: FEED_SIZE }, controller.signal)
      .then((answer) => {
        const before = known.current;
        if (before)
          setFresh(new Set(answer.items.filter((item) => !before.has(item.id)).map((item) => item.id)));
        known.current = new Set([...(before ?? []), ...answer.items.map((item) => item.id)]);
        setFeed(answer.items);
      })
      .catch(() => undefined);
    loadCounters(now, controller.signal)
      .then((answer) => {
        setCounters(answer.counters);
        onOpenEventsRef.current(answer.open);
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [tick]);

  // the live stream: any event message refreshes the panel (a burst of messages refreshes once)
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(streamUrl());
    let timer: number | undefined;
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.onmessage = (message: MessageEvent<string>) => {
      let data: unknown = null;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      if (!isEventMessage(data)) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 300);
    };
    const poll = window.setInterval(refresh, POLL_MS);
    return () => {
      window.clearTimeout(timer);
      window.clearInterval(poll);
      source.close();
    };
  }, [refresh]);

  const cards = [
    { key: 'today', value: counters?.today },
    { key: 'open', value: counters?.open },
    { key: 'overdue', value: counters ? counters.overdue : undefined },
    { key: 'completion', value: counters?.completion, suffix: '%' },
  ];

  return (
    <Card
      size="small"
      className="dashboard-events"
      data-testid="dashboard-events"
      title={t('dashboard.eventsTitle')}
      extra={
        <Tooltip title={t(live ? 'dashboard.liveOn' : 'dashboard.liveOff')}>
          <Tag color={live ? 'green' : 'default'} data-testid="live-state" data-live={live ? 'on' : 'off'}>
            {t(live ? 'dashboard.live' : 'dashboard.notLive')}
          </Tag>
        </Tooltip>
      }
    >
      <div className="dashboard-event-counters" data-testid="event-counters">
        {cards.map((card) => (
          <Statistic
            key={card.key}
            title={t(`dashboard.event.${card.key}`)}
            value={card.value ?? '—'}
            suffix={card.value !== null && card.value !== undefined ? card.suffix : undefined}
            loading={!counters}
            data-testid={`event-counter-${card.key}`}
            styles={
              card.key === 'overdue' && (card.value ?? 0) > 0 ? { content: { color: '#cf1322' } } : undefined
            }
          />
        ))}
      </div>
      {feed && feed.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noEvents')} />
      ) : (
        <ul className="event-feed" data-testid="event-feed">
          {(feed ?? []).map((item) => (
            <li
              key={item.id}
              className={fresh.has(item.id) ? 'event-feed-new' : undefined}
              onClick={() => onOpen(item.id)}
              data-event-id={item.id}
            >
              <Tag color={stateColour(item.state)} style={{ marginInlineEnd: 0 }}>
                {t(`events.state.${item.state}`, { defaultValue: item.state })}
              </Tag>
              <span className="event-feed-title" title={item.title}>
                {item.title}
              </span>
              <span className="event-feed-time">{shortTime(item.createdAt, language)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
