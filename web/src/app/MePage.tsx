import { Alert, Button, Empty, Popconfirm, Space, Tag, Typography } from 'antd';
import { CloudUploadOutlined, DeleteOutlined, EditOutlined, LogoutOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useSession } from '../accounts/session';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { formatTime } from '../settings/time';
import { useMyGrids } from './grids';
import { useQueue } from './useQueue';

/** 我的: who is signed in, the language, the reports still on the phone (待发送), sign out. */
export function MePage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { user, signOut } = useSession();
  const { items, online, flush, discard, retry } = useQueue();
  const navigate = useNavigate();
  const grids = useMyGrids(user?.grids ?? []).map((grid) => grid.name);

  return (
    <div className="wa-page" data-testid="me-page">
      <div className="wa-me-head">
        <div className="wa-avatar">{user?.displayName.slice(0, 1)}</div>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="me-name">
            {user?.displayName}
          </Typography.Title>
          <div className="wa-muted">
            {user?.username} ·{' '}
            {(user?.roles ?? []).map((role) => t(`roles.${role}`, { defaultValue: role })).join('、')}
          </div>
          <div className="wa-muted">{grids.join('、')}</div>
        </div>
      </div>

      <div className="wa-me-row">
        <span>{t('workerApp.me.language')}</span>
        <LanguageSwitch />
      </div>

      <div className="wa-title-row">
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('workerApp.me.queue', { count: items.length })}
        </Typography.Title>
        <Button
          icon={<CloudUploadOutlined />}
          disabled={!online || items.length === 0}
          onClick={() => void flush()}
          data-testid="queue-send"
        >
          {t('workerApp.me.sendNow')}
        </Button>
      </div>
      {items.length === 0 ? (
        <Empty description={t('workerApp.me.queueEmpty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : null}
      <div className="wa-list" data-testid="queue-list">
        {items.map((item) => (
          <div
            key={item.key}
            className="wa-card wa-card-column"
            data-testid="queue-item"
            data-state={item.state}
          >
            <div className="wa-card-title">{item.draft.title}</div>
            <div className="wa-card-meta wa-muted">
              <span>{formatTime(item.createdAt, language, false)}</span>
              <span>{t('workerApp.me.photos', { count: item.photos.length })}</span>
              <Tag color={item.state === 'rejected' ? 'red' : 'orange'}>
                {t(`workerApp.queueState.${item.state}`)}
              </Tag>
            </div>
            {item.problem ? (
              <Alert
                type="error"
                showIcon
                title={language === 'en' ? item.problem.en : item.problem.zh}
                data-testid="queue-problem"
              />
            ) : null}
            <Space style={{ marginTop: 8 }}>
              {item.state === 'rejected' ? (
                <>
                  <Button
                    size="small"
                    type="primary"
                    icon={<EditOutlined />}
                    onClick={() => navigate('/report', { state: { edit: item.key } })}
                    data-testid="queue-edit"
                  >
                    {t('workerApp.me.edit')}
                  </Button>
                  <Button size="small" onClick={() => void retry(item.key)}>
                    {t('workerApp.me.retry')}
                  </Button>
                </>
              ) : null}
              <Popconfirm title={t('workerApp.me.discardConfirm')} onConfirm={() => void discard(item.key)}>
                <Button size="small" danger icon={<DeleteOutlined />} data-testid="queue-discard">
                  {t('workerApp.me.discard')}
                </Button>
              </Popconfirm>
            </Space>
          </div>
        ))}
      </div>

      <Button
        block
        danger
        icon={<LogoutOutlined />}
        onClick={() => signOut()}
        style={{ marginTop: 24 }}
        data-testid="sign-out"
      >
        {t('workerApp.me.signOut')}
      </Button>
    </div>
  );
}
