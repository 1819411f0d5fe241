import { Button } from 'antd';
import { TranslationOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

/** One click between Chinese and English. */
export function LanguageSwitch({ dark = false }: { dark?: boolean }) {
  const { t, i18n } = useTranslation();
  const next = i18n.language === 'en' ? 'zh-CN' : 'en';
  return (
    <Button
      type="text"
      icon={<TranslationOutlined />}
      onClick={() => void i18n.changeLanguage(next)}
      style={dark ? { color: 'rgba(255,255,255,0.88)' } : undefined}
      data-testid="language-switch"
      lang={next}
      aria-label={t('header.languageTitle')}
    >
      {t('header.language')}
    </Button>
  );
}
