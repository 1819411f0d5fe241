import { useEffect, useState } from 'react';
import { Alert, Empty, Segmented, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, errorText } from '../api/client';
import type { EventSummary } from '../events/api';
import { deadlineColour, DEADLINE_HEX, stateColour, type EventDeadline } from '../events/logic';
import { formatTime } from '../settings/time';
import { categoryName, useCategories } from './categories';

type TaskItem = EventSummary & { actions?: string[]; deadlines?: EventDeadline[] };
type View = 'todo' | 'mine';

/** 任务: the events in his grids that need him (actionable=true), and his own recent reports. */
export function TasksPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [params, setParams] = useSearchParams();
  const view: View = params.get('view') === 'mine' ? 'mine' : 'todo';
  const categories = useCategories();
  const [items, setItems] = useState<TaskItem[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setItems(null);
    setFailure(null);
    api<{ items: TaskItem[]; total: number }>('/api/events', {
      query: view === 'todo' ? { actionable: true, pageSize: 50 } : { mine: true, pageSize: 50 },
      signal: controller.signal,
    })
      .then((answer) => setItems(answer.items))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setFailure(errorText(error));
      });
    return () => controller.abort();
  }, [view]);

  const now = new Date();
  return (
    <div className="wa-page" data-testid="tasks-page">
      <Typography.Title level={4} className="wa-title">
        {t('workerApp.tasks.title')}
      </Typography.Title>
      <Segmented
        block
        value={view}
        onChange={(value) => setParams(value === 'mine' ? { view: 'mine' } : {}, { replace: true })}
        options={[
          { value: 'todo', label: t('workerApp.tasks.todo') },
          { value: 'mine', label: t('workerApp.tasks.mine') },
        ]}
        data-testid="tasks-view"
        style={{ marginBottom: 12 }}
      />
      {failure ? <Alert type="warning" showIcon title={failure} /> : null}
      {!items && !failure ? <Spin style={{ display: 'block', margin: '32px auto' }} /> : null}
      {items && items.length === 0 ? (
        <Empty description={view === 'todo' ? t('workerApp.tasks.noTodo') : t('workerApp.tasks.noMine')} />
      ) : null}
      <div className="wa-list">
        {(items ?? []).map((item) => {
          const colour = deadlineColour(item.deadlines, now);
          return (
            <Link key={item.id} to={`/tasks/${item.id}`} className="wa-card" data-testid="task-card">
              <span
                className="wa-deadline"
                style={{ background: DEADLINE_HEX[colour] }}
                title={t(`workerApp.deadline.${colour}`)}
                data-colour={colour}
              />
              <div className="wa-card-body">
                <div className="wa-card-title">{item.title}</div>
                <div className="wa-card-meta">
                  <Tag color={stateColour(item.state)}>
                    {t(`events.state.${item.state}`, { defaultValue: item.state })}
                  </Tag>
                  <span>{categoryName(categories, item.categoryCode, language)}</span>
                </div>
                <div className="wa-card-meta wa-muted">
                  <span>{item.number}</span>
                  <span>{formatTime(item.createdAt, language)}</span>
                </div>
                {item.actions && item.actions.length > 0 ? (
                  <div className="wa-card-actions">
                    {item.actions.slice(0, 3).map((action) => (
                      <Tag key={action} color="blue">
                        {t(`events.action.${action}`, { defaultValue: action })}
                      </Tag>
                    ))}
                  </div>
                ) : null}
              </div>
            </Link>
          );
        })}
      </div>
    </div>
  );
}
