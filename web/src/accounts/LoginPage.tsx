import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { errorText } from '../api/client';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { Logo } from '../ui/Logo';
import { useSession } from './session';

interface Credentials {
  username: string;
  password: string;
}

/** The demo street's administrator (src/demo); the password is GEZHI_DEMO_PASSWORD. */
const DEMO_ADMIN = 'admin';

export function LoginPage() {
  const { t, i18n } = useTranslation();
  const { user, signIn, signOutReason } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [form] = Form.useForm<Credentials>();
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/console/grids';

  if (user) return <Navigate to={from} replace />;

  async function submit(values: Credentials) {
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
    <div className="login-page">
      <div className="login-brand">
        <Logo size={56} />
        <Typography.Title level={1} className="login-brand-name">
          {t('app.name')}
        </Typography.Title>
        <div className="login-brand-subtitle">{t('app.subtitle')}</div>
        <div className="login-brand-welcome">{t('login.welcome')}</div>
      </div>
      <div className="login-panel">
        <div className="login-language">
          <LanguageSwitch />
        </div>
        <Card className="login-card" title={t('login.title')}>
          {signOutReason === 'expired' && !failure ? (
            <Alert type="warning" showIcon title={t('login.expired')} style={{ marginBottom: 16 }} />
          ) : null}
          {failure ? (
            <Alert
              type="error"
              showIcon
              title={errorText(failure, i18n.language === 'en' ? 'en' : 'zh-CN')}
              style={{ marginBottom: 16 }}
              data-testid="login-error"
            />
          ) : null}
          <Form<Credentials>
            form={form}
            layout="vertical"
            onFinish={submit}
            requiredMark={false}
            size="large"
          >
            <Form.Item
              name="username"
              label={t('login.username')}
              rules={[{ required: true, message: t('login.usernameRequired') }]}
            >
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('login.password')}
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('login.submit')}
            </Button>
          </Form>
          <Alert
            className="login-demo"
            type="info"
            title={t('login.demoTitle')}
            description={
              <>
                {t('login.demoHint')}{' '}
                <Button size="small" type="link" onClick={() => form.setFieldValue('username', DEMO_ADMIN)}>
                  {t('login.useDemo')}
                </Button>
              </>
            }
          />
        </Card>
      </div>
    </div>
  );
}
