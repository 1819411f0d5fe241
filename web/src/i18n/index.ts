import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import zhCN from './zh-CN.json';
import en from './en.json';

/** The two languages of the console; Chinese first. */
export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

const STORAGE_KEY = 'gezhi.language';

function storedLanguage(): Language {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    if (value === 'en' || value === 'zh-CN') return value;
  } catch {
    // storage may be unavailable (private mode); Chinese is the default
  }
  return 'zh-CN';
}

void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

function reflect(language: string): void {
  document.documentElement.lang = language;
  document.title = i18next.t('app.title');
}
reflect(i18next.language);
i18next.on('languageChanged', (language) => {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // not remembered, still switched
  }
  reflect(language);
});

export function currentLanguage(): Language {
  return i18next.language === 'en' ? 'en' : 'zh-CN';
}

/** Pick the Chinese or English text of a `{ zh, en }` pair the server sends. */
export function localized(
  text: { zh: string; en: string } | undefined | null,
  language: Language = currentLanguage(),
): string {
  if (!text) return '';
  return language === 'en' ? text.en || text.zh : text.zh || text.en;
}

export default i18next;
