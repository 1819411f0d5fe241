import { useEffect } from 'react';
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';

export function NotFound() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('errors.pageNotFound')}
      extra={
        <Button type="primary" onClick={() => navigate('/console/grids')}>
          {t('errors.backHome')}
        </Button>
      }
    />
  );
}

/**
 * /app/… is the grid worker's phone app, a page of its own (web/app/index.html): the server answers its addresses
 * with that page, so a link followed inside the console loads it in full.
 */
export function WorkerAppSoon() {
  const { t } = useTranslation();
  useEffect(() => {
    window.location.replace(window.location.pathname + window.location.search);
  }, []);
  return <Result status="info" title={t('workerApp.name')} />;
}
