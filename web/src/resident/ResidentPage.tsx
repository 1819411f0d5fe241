import { lazy, Suspense, useState } from 'react';
import { Segmented, Spin } from 'antd';
import { EditOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { Logo } from '../ui/Logo';
import { RaiseForm } from './RaiseForm';
import './resident.css';

// the follow tab brings antd's timeline and rate (in the console's lazy antd chunk): not needed to raise. Tabs
// would bring antd's dropdown (the same chunk), so the two tabs are a Segmented
const FollowView = lazy(() => import('./FollowView').then((module) => ({ default: module.FollowView })));

type Tab = 'raise' | 'follow';

/**
 * 群众提事 the resident page at /r (and /resident): raise a matter with a pin on the map, follow it by number and
 * follow code, rate the result. No sign-in. A printed notice may link straight to a matter: /r?n=NUMBER&c=CODE.
 */
export function ResidentPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const linked =
    params.get('n') && params.get('c') ? { number: params.get('n')!, code: params.get('c')! } : null;
  const [tab, setTab] = useState<Tab>(linked || params.get('tab') === 'follow' ? 'follow' : 'raise');
  const [opened, setOpened] = useState<ReadonlySet<Tab>>(() => new Set([tab]));
  const [follow, setFollow] = useState(linked);
  const open = (next: Tab) => {
    setTab(next);
    setOpened((before) => new Set([...before, next]));
  };

  return (
    <div className="resident-page" data-testid="resident-page">
      <header className="resident-header">
        <Logo size={26} />
        <div className="resident-title">
          <div className="resident-title-main">{t('resident.title')}</div>
          <div className="resident-title-sub">{t('resident.subtitle')}</div>
        </div>
        <LanguageSwitch />
      </header>
      <main className="resident-main">
        <Segmented
          block
          size="large"
          className="resident-tabs"
          value={tab}
          onChange={open}
          options={[
            {
              value: 'raise',
              label: (
                <span data-testid="resident-tab-raise">
                  <EditOutlined /> {t('resident.tabRaise')}
                </span>
              ),
            },
            {
              value: 'follow',
              label: (
                <span data-testid="resident-tab-follow">
                  <SearchOutlined /> {t('resident.tabFollow')}
                </span>
              ),
            },
          ]}
        />
        {/* each tab is made when first opened and then kept (a draft survives a look at the progress) */}
        {opened.has('raise') ? (
          <div hidden={tab !== 'raise'}>
            <RaiseForm
              onFollow={(number, code) => {
                setFollow({ number, code });
                open('follow');
              }}
            />
          </div>
        ) : null}
        {opened.has('follow') ? (
          <div hidden={tab !== 'follow'}>
            <Suspense fallback={<Spin className="resident-tab-loading" />}>
              <FollowView key={follow ? `${follow.number}/${follow.code}` : 'none'} initial={follow} />
            </Suspense>
          </div>
        ) : null}
      </main>
      <footer className="resident-footer">{t('resident.footer')}</footer>
    </div>
  );
}
