import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../accounts/session';
import {
  discard as discardReport,
  enqueue,
  flush as flushQueue,
  queued,
  retryLater,
  type Delivered,
  type QueuedReport,
  type ReportDraft,
  type ReportSent,
} from './queue';

/** How often waiting reports are tried again while the app is open (also on `online` and on start). */
const RETRY_EVERY_MS = 30_000;

interface QueueValue {
  items: QueuedReport[];
  online: boolean;
  /** The last report the server took (with its followCode when the server gives one). */
  lastSent: ReportSent | null;
  /** Queues the report and tries to send it at once: sent (with the server's answer), waiting or rejected. */
  submit(draft: ReportDraft, photos: { name: string; type: string; blob: Blob }[]): Promise<Outcome>;
  flush(): Promise<Delivered[]>;
  discard(key: string): Promise<void>;
  retry(key: string): Promise<void>;
}

export type Outcome =
  { status: 'sent'; sent: ReportSent } | { status: 'waiting' } | { status: 'rejected'; item: QueuedReport };

const QueueContext = createContext<QueueValue | null>(null);

export function QueueProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [items, setItems] = useState<QueuedReport[]>([]);
  const [online, setOnline] = useState(() => navigator.onLine);
  const [lastSent, setLastSent] = useState<ReportSent | null>(null);
  const userId = user?.id ?? null;
  const messageRef = useRef(message);
  messageRef.current = message;

  const reload = useCallback(async () => {
    setItems(userId === null ? [] : await queued(userId));
  }, [userId]);

  const flush = useCallback(async (): Promise<Delivered[]> => {
    if (userId === null) return [];
    // a flush started while offline fails fast per report and leaves them waiting
    const pending = flushQueue(userId);
    await reload();
    const sent = await pending;
    await reload();
    if (sent.length > 0) {
      setLastSent(sent[sent.length - 1]!.sent);
      void messageRef.current.success(
        t('workerApp.queue.sent', {
          count: sent.length,
          number: sent.map((item) => item.sent.number).join('、'),
        }),
      );
    }
    return sent;
  }, [userId, reload, t]);

  useEffect(() => {
    void reload();
    if (userId === null) return;
    void flush();
    const goOnline = () => {
      setOnline(true);
      void flush();
    };
    const goOffline = () => setOnline(false);
    window.addEventListener('online', goOnline);
    window.addEventListener('offline', goOffline);
    const timer = window.setInterval(() => {
      if (navigator.onLine) void flush();
    }, RETRY_EVERY_MS);
    return () => {
      window.removeEventListener('online', goOnline);
      window.removeEventListener('offline', goOffline);
      window.clearInterval(timer);
    };
  }, [userId, reload, flush]);

  const submit = useCallback(
    async (draft: ReportDraft, photos: { name: string; type: string; blob: Blob }[]): Promise<Outcome> => {
      if (userId === null) return { status: 'waiting' };
      // written down first: whatever happens to the network or the page, the report is on the phone
      const item = await enqueue(userId, draft, photos);
      await reload();
      setLastSent(null);
      const delivered = (await flush()).find((entry) => entry.key === item.key);
      if (delivered) return { status: 'sent', sent: delivered.sent };
      const left = (await queued(userId)).find((entry) => entry.key === item.key);
      return left?.state === 'rejected' ? { status: 'rejected', item: left } : { status: 'waiting' };
    },
    [userId, reload, flush],
  );

  const discard = useCallback(
    async (key: string) => {
      await discardReport(key);
      await reload();
    },
    [reload],
  );
  const retry = useCallback(
    async (key: string) => {
      await retryLater(key);
      await flush();
      await reload();
    },
    [flush, reload],
  );

  const value = useMemo(
    () => ({ items, online, lastSent, submit, flush, discard, retry }),
    [items, online, lastSent, submit, flush, discard, retry],
  );
  return <QueueContext.Provider value={value}>{children}</QueueContext.Provider>;
}

export function useQueue(): QueueValue {
  const value = useContext(QueueContext);
  if (!value) throw new Error('useQueue outside QueueProvider');
  return value;
}
