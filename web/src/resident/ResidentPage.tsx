import { useState } from 'react';
import { Tabs } from 'antd';
import { EditOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { Logo } from '../ui/Logo';
import { FollowView } from './FollowView';
import { RaiseForm } from './RaiseForm';
import './resident.css';

/**
 * 群众提事 the resident page at /r (and /resident): raise a matter with a pin on the map, follow it by number and
 * follow code, rate the result. No sign-in. A printed notice may link straight to a matter: /r?n=NUMBER&c=CODE.
 */
export function ResidentPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const linked =
    params.get('n') && params.get('c') ? { number: params.get('n')!, code: params.get('c')! } : null;
  const [tab, setTab] = useState(linked || params.get('tab') === 'follow' ? 'follow' : 'raise');
  const [follow, setFollow] = useState(linked);

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
        <Tabs
          activeKey={tab}
          onChange={setTab}
          centered
          size="large"
          items={[
            {
              key: 'raise',
              label: (
                <span data-testid="resident-tab-raise">
                  <EditOutlined /> {t('resident.tabRaise')}
                </span>
              ),
              children: (
                <RaiseForm
                  onFollow={(number, code) => {
                    setFollow({ number, code });
                    setTab('follow');
                  }}
                />
              ),
            },
            {
              key: 'follow',
              label: (
                <span data-testid="resident-tab-follow">
                  <SearchOutlined /> {t('resident.tabFollow')}
                </span>
              ),
              children: (
                <FollowView key={follow ? `${follow.number}/${follow.code}` : 'none'} initial={follow} />
              ),
            },
          ]}
        />
      </main>
      <footer className="resident-footer">{t('resident.footer')}</footer>
    </div>
  );
}
