import { useEffect, useState } from 'react';
import { Alert, Button, Descriptions, Drawer, Empty, List, Skeleton, Space, Tag, Typography } from 'antd';
import { EyeOutlined, LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, errorText } from '../api/client';
import { useSession } from '../accounts/session';
import { localized } from '../i18n';
import { useGridNames } from '../settings/gridNames';
import { mayUnmask } from './access';
import { peopleApi, type Person, type Position } from './api';
import { dwelling } from './format';

/** A household has a handful of members; one page of the person's grid holds them all. */
const HOUSEHOLD_PAGE = 500;

interface Loaded {
  person: Person;
  household: Person[] | null;
  positions: Position[];
}

/**
 * One person: who, where, the household, positions held and special groups (for the roles that serve them).
 * The full ID number and phone are shown only after "unmask", which the server records in the audit log; closing
 * the drawer forgets them, so the next look is masked (and audited) again.
 */
export function PersonDrawer({ personId, onClose }: { personId: number | null; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [unmasked, setUnmasked] = useState<Person | null>(null);
  const [unmasking, setUnmasking] = useState(false);
  const names = useGridNames(loaded ? [loaded.person.gridCode] : []);

  useEffect(() => {
    setLoaded(null);
    setUnmasked(null);
    setError(null);
    if (personId === null) return;
    const controller = new AbortController();
    const { signal } = controller;
    (async () => {
      const person = await peopleApi.get(personId, false, signal);
      const [household, positions] = await Promise.all([
        person.householdNumber
          ? peopleApi
              .list({ grid: person.gridCode }, 1, HOUSEHOLD_PAGE, signal)
              .then((page) => page.items.filter((other) => other.householdNumber === person.householdNumber))
          : Promise.resolve(null),
        peopleApi
          .positions(person.gridCode, {}, signal)
          .then((answer) => answer.items.filter((position) => position.holder.personId === person.id))
          .catch(() => [] as Position[]),
      ]);
      if (!signal.aborted) setLoaded({ person, household, positions });
    })().catch((failure: unknown) => {
      if (signal.aborted || (failure instanceof ApiError && failure.status === 401)) return;
      setError(errorText(failure));
    });
    return () => controller.abort();
  }, [personId]);

  const unmask = async () => {
    if (personId === null) return;
    setUnmasking(true);
    try {
      setUnmasked(await peopleApi.get(personId, true));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setUnmasking(false);
    }
  };

  const person = unmasked ?? loaded?.person ?? null;
  const canUnmask = mayUnmask(user?.roles ?? []) && loaded?.person.masked === true;

  return (
    <Drawer
      open={personId !== null}
      onClose={() => {
        // the unmasked numbers leave the page with the drawer
        setUnmasked(null);
        onClose();
      }}
      afterOpenChange={(open) => {
        if (!open) setUnmasked(null);
      }}
      destroyOnHidden
      size={520}
      title={person ? person.name : t('people.person')}
      data-testid="person-drawer"
      extra={
        canUnmask && !unmasked ? (
          <Button
            icon={<EyeOutlined />}
            loading={unmasking}
            onClick={() => void unmask()}
            data-testid="person-unmask"
          >
            {t('people.unmask')}
          </Button>
        ) : unmasked ? (
          <Button icon={<LockOutlined />} onClick={() => setUnmasked(null)} data-testid="person-remask">
            {t('people.remask')}
          </Button>
        ) : null
      }
    >
      {error ? <Alert type="error" showIcon title={error} className="person-alert" /> : null}
      {unmasked ? (
        <Alert
          type="warning"
          showIcon
          className="person-alert"
          data-testid="person-audited"
          title={t('people.auditedTitle')}
          description={t('people.auditedText')}
        />
      ) : null}
      {!person ? (
        error ? null : (
          <Skeleton active paragraph={{ rows: 8 }} />
        )
      ) : (
        <>
          <Descriptions
            size="small"
            column={2}
            bordered
            items={[
              { key: 'name', label: t('people.name'), children: person.name },
              {
                key: 'gender',
                label: t('people.gender'),
                children: person.gender ? t(`portrait.gender.${person.gender}`) : '—',
              },
              { key: 'birth', label: t('people.birthDate'), children: person.birthDate ?? '—' },
              {
                key: 'status',
                label: t('people.politicalStatus'),
                children: t(`portrait.politicalStatus.${person.politicalStatus}`, {
                  defaultValue: person.politicalStatus,
                }),
              },
              {
                key: 'id',
                label: t('people.idNumber'),
                span: 2,
                children: (
                  <span className="people-secret" data-testid="person-id-number">
                    {person.idNumber ?? '—'}
                  </span>
                ),
              },
              {
                key: 'phone',
                label: t('people.phone'),
                span: 2,
                children: (
                  <span className="people-secret" data-testid="person-phone">
                    {person.phone ?? '—'}
                  </span>
                ),
              },
              { key: 'address', label: t('people.address'), span: 2, children: person.address ?? '—' },
              {
                key: 'grid',
                label: t('people.grid'),
                span: 2,
                children: (
                  <span title={person.gridCode}>{names.get(person.gridCode) ?? person.gridCode}</span>
                ),
              },
              ...(person.tags.length > 0
                ? [
                    {
                      key: 'tags',
                      label: t('people.tags'),
                      span: 2,
                      children: (
                        <Space size={[0, 4]} wrap>
                          {person.tags.map((tag) => (
                            <Tag key={tag}>{tag}</Tag>
                          ))}
                        </Space>
                      ),
                    },
                  ]
                : []),
            ]}
          />

          <Typography.Title level={5} className="person-section">
            {t('people.household')}
          </Typography.Title>
          {person.householdNumber || dwelling(person) ? (
            <Descriptions
              size="small"
              column={2}
              items={[
                {
                  key: 'number',
                  label: t('people.householdNumber'),
                  children: person.householdNumber ?? '—',
                },
                { key: 'dwelling', label: t('people.dwelling'), children: dwelling(person) || '—' },
              ]}
            />
          ) : null}
          {loaded?.household ? (
            <List
              size="small"
              data-testid="person-household"
              dataSource={loaded.household}
              renderItem={(member) => (
                <List.Item>
                  <Space>
                    <Typography.Text strong={member.id === person.id}>{member.name}</Typography.Text>
                    <Typography.Text type="secondary">
                      {member.gender ? t(`portrait.gender.${member.gender}`) : ''}
                      {member.birthDate ? ` · ${member.birthDate.slice(0, 4)}` : ''}
                    </Typography.Text>
                    {member.id === person.id ? <Tag bordered={false}>{t('people.self')}</Tag> : null}
                  </Space>
                </List.Item>
              )}
            />
          ) : (
            <Typography.Text type="secondary">{t('people.noHousehold')}</Typography.Text>
          )}

          <Typography.Title level={5} className="person-section">
            {t('people.heldPositions')}
          </Typography.Title>
          {loaded && loaded.positions.length > 0 ? (
            <Space size={[4, 4]} wrap data-testid="person-positions">
              {loaded.positions.map((position) => (
                <Tag key={position.id} color="blue">
                  {t(`positionKind.${position.kind}`, { defaultValue: position.kind })}
                  {position.duty ? `（${position.duty}）` : ''}
                  {position.buildingCode ? ` · ${position.buildingCode}` : ''}
                  {position.unit ? ` ${position.unit}` : ''}
                </Tag>
              ))}
            </Space>
          ) : (
            <Typography.Text type="secondary">{t('people.noPositions')}</Typography.Text>
          )}

          <Typography.Title level={5} className="person-section">
            {t('people.specialGroups')}
          </Typography.Title>
          {person.specialGroups === undefined ? (
            <Typography.Text type="secondary">{t('people.groupsHidden')}</Typography.Text>
          ) : person.specialGroups.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('people.noGroups')} />
          ) : (
            <Space size={[4, 4]} wrap data-testid="person-groups">
              {person.specialGroups.map((group) => (
                <Tag key={group.group} color="orange">
                  {localized(group.name, language)}
                  {group.since ? ` · ${t('people.since', { date: group.since })}` : ''}
                </Tag>
              ))}
            </Space>
          )}
        </>
      )}
    </Drawer>
  );
}
