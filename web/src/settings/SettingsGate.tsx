import type { ReactNode } from 'react';
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router-dom';
import { useSession } from '../accounts/session';
import { mayOpen, settingsPagesFor, type SettingsPageKey } from './access';

/** A settings page for the roles that may open it; others are told so instead of meeting a wall of 403s. */
export function SettingsGate({ page, children }: { page: SettingsPageKey; children: ReactNode }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const navigate = useNavigate();
  if (mayOpen(page, user?.roles ?? [])) return children;
  return (
    <Result
      status="403"
      title="403"
      subTitle={t('settings.forbidden')}
      extra={
        <Button type="primary" onClick={() => navigate('/console/grids')}>
          {t('errors.backHome')}
        </Button>
      }
    />
  );
}

/** /console/settings: the first settings page the user may open. */
export function SettingsHome() {
  const { user } = useSession();
  const first = settingsPagesFor(user?.roles ?? [])[0];
  return <Navigate to={first ? first.path : '/console/grids'} replace />;
}
