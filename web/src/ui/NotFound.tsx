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

/** /app/… is the grid worker's phone app, still to come; the server already sends its addresses here. */
export function WorkerAppSoon() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="info"
      title={t('workerApp.title')}
      subTitle={t('workerApp.hint')}
      extra={<Button onClick={() => navigate('/console/grids')}>{t('errors.backHome')}</Button>}
    />
  );
}
