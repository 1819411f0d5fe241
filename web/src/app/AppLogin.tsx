import { useState } from 'react';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { errorText } from '../api/client';
import { useSession } from '../accounts/session';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { Logo } from '../ui/Logo';

/** /app/login: the phone's own sign-in, on the console's session code (same token, same storage). */
export function AppLogin() {
  const { t } = useTranslation();
  const { user, signIn, signOutReason } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/report';
  if (user) return <Navigate to={from === '/login' ? '/report' : from} replace />;

  async function submit(values: { username: string; password: string }) {
    setBusy(true);
    setFailure(null);
    try {
      await signIn(values.username.trim(), values.password);
      navigate(from, { replace: true });
    } catch (error) {
      setFailure(error);
      setBusy(false);
    }
  }

  return (
    <div className="wa-login">
      <div className="wa-login-language">
        <LanguageSwitch />
      </div>
      <div className="wa-login-brand">
        <Logo size={64} />
        <Typography.Title level={2} style={{ margin: '12px 0 4px' }}>
          {t('workerApp.name')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('workerApp.tagline')}</Typography.Text>
      </div>
      {signOutReason === 'expired' && !failure ? (
        <Alert type="warning" showIcon title={t('login.expired')} style={{ marginBottom: 16 }} />
      ) : null}
      {failure ? (
        <Alert
          type="error"
          showIcon
          title={errorText(failure)}
          style={{ marginBottom: 16 }}
          data-testid="login-error"
        />
      ) : null}
      <Form layout="vertical" onFinish={(values) => void submit(values)} requiredMark={false}>
        <Form.Item
          name="username"
          label={t('login.username')}
          rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
        >
          <Input
            prefix={<UserOutlined />}
            autoComplete="username"
            autoCapitalize="none"
            data-testid="app-username"
          />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('login.password')}
          rules={[{ required: true, message: t('login.passwordRequired') }]}
        >
          <Input.Password
            prefix={<LockOutlined />}
            autoComplete="current-password"
            data-testid="app-password"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="app-login-submit">
          {t('login.submit')}
        </Button>
      </Form>
    </div>
  );
}
