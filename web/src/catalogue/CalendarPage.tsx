import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Calendar,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Radio,
  Space,
  Tag,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../accounts/server';
import { errorText } from '../api/client';
import { currentLanguage, localized } from '../i18n';
import { placeProblems } from '../settings/problems';
import '../settings/settings.css';
import {
  catalogueApi,
  type CalendarDay,
  type CalendarDayInput,
  type CalendarYear,
  type WorkingTime,
} from './api';

interface DayValues {
  kind: 'holiday' | 'workday';
  nameZh?: string;
  nameEn?: string;
}

/** The days of a year as PUT /api/calendar/:year takes them back (the whole list replaces the year's). */
export function dayInputs(days: readonly CalendarDay[]): CalendarDayInput[] {
  return days.map((day) => ({
    date: day.date,
    kind: day.kind === 'workday' ? 'workday' : 'holiday',
    name: day.name,
    ...(day.periods ? { periods: day.periods } : {}),
  }));
}

/**
 * 工作日历: a month calendar marking 法定节假日 holidays (red) and 调休上班 make-up workdays (blue); the administrator
 * clicks a day to add or remove one. Beside it the working week and hours that the working-hours clock counts.
 */
export function CalendarPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { message } = App.useApp();
  const permissions = usePermissions();
  const mayEdit = permissions?.has('deadline.manage') ?? false;
  const [year, setYear] = useState(() => dayjs().year());
  const [calendar, setCalendar] = useState<CalendarYear | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [picked, setPicked] = useState<Dayjs | null>(null);
  const [saving, setSaving] = useState(false);
  const [dayForm] = Form.useForm<DayValues>();
  const [timeForm] = Form.useForm<WorkingTime>();
  const [timeProblems, setTimeProblems] = useState<string[]>([]);
  // the calendar's month and weekday names follow the page's language; in Chinese the week starts on Monday
  const [dayLocale, setDayLocale] = useState(() => dayjs.locale());
  useEffect(() => {
    setDayLocale(dayjs.locale(language === 'en' ? 'en' : 'zh-cn'));
  }, [language]);

  const load = useCallback(
    (signal?: AbortSignal) => {
      catalogueApi
        .calendar(year, signal)
        .then((answer) => {
          setCalendar(answer);
          setFailure(null);
          timeForm.setFieldsValue(answer.workingTime);
        })
        .catch((error: unknown) => {
          if (!signal?.aborted) setFailure(errorText(error));
        });
    },
    [year, timeForm],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const dayOf = (date: Dayjs) => calendar?.days.find((day) => day.date === date.format('YYYY-MM-DD'));

  const putDays = async (days: CalendarDayInput[]) => {
    setSaving(true);
    try {
      const answer = await catalogueApi.putCalendar(year, days);
      setCalendar(answer);
      setPicked(null);
      void message.success(t('catalogue.saved'));
    } catch (error) {
      void message.error(errorText(error));
    } finally {
      setSaving(false);
    }
  };

  const addDay = async () => {
    if (!calendar || !picked) return;
    const values = await dayForm.validateFields();
    const date = picked.format('YYYY-MM-DD');
    const name = {
      zh: values.nameZh?.trim() || t(`catalogue.dayKind.${values.kind}`, { lng: 'zh-CN' }),
      en: values.nameEn?.trim() || t(`catalogue.dayKind.${values.kind}`, { lng: 'en' }),
    };
    await putDays([
      ...dayInputs(calendar.days.filter((day) => day.date !== date)),
      { date, kind: values.kind, name },
    ]);
  };

  const removeDay = async () => {
    if (!calendar || !picked) return;
    const date = picked.format('YYYY-MM-DD');
    await putDays(dayInputs(calendar.days.filter((day) => day.date !== date)));
  };

  const saveTime = async (values: WorkingTime) => {
    setTimeProblems([]);
    try {
      await catalogueApi.putWorkingTime({ weekdays: [...values.weekdays].sort(), periods: values.periods });
      void message.success(t('catalogue.saved'));
      load();
    } catch (error) {
      setTimeProblems(placeProblems(timeForm, error, currentLanguage()));
    }
  };

  const pickedDay = picked ? dayOf(picked) : undefined;
  const holidays = calendar?.days.filter((day) => day.kind === 'holiday').length ?? 0;
  const workdays = calendar?.days.filter((day) => day.kind === 'workday').length ?? 0;

  return (
    <div className="settings-page calendar-page" data-testid="calendar-page">
      <div className="settings-head">
        <Typography.Title level={4} className="settings-title">
          {t('nav.calendar')}
        </Typography.Title>
        <Typography.Text type="secondary" data-testid="calendar-counts">
          {t('catalogue.calendarCounts', { year, holidays, workdays })}
        </Typography.Text>
        {!mayEdit && permissions ? <Tag>{t('catalogue.readOnly')}</Tag> : null}
      </div>
      {failure ? <Alert type="error" showIcon title={failure} /> : null}
      <div className="calendar-layout">
        <Card size="small" className="calendar-card">
          <Calendar
            key={dayLocale}
            data-testid="calendar"
            onPanelChange={(date) => setYear(date.year())}
            onSelect={(date, info) => {
              if (info.source !== 'date') {
                if (date.year() !== year) setYear(date.year());
                return;
              }
              if (date.year() !== year) setYear(date.year());
              if (!mayEdit) return;
              setPicked(date);
              const day = dayOf(date);
              dayForm.setFieldsValue({
                kind: day?.kind === 'workday' ? 'workday' : 'holiday',
                nameZh: day?.name.zh ?? '',
                nameEn: day?.name.en ?? '',
              });
            }}
            cellRender={(date, info) => {
              if (info.type !== 'date') return info.originNode;
              const day = dayOf(date);
              if (!day) return null;
              return (
                <Tag
                  className="calendar-day-tag"
                  color={day.kind === 'workday' ? 'blue' : 'red'}
                  data-testid={`calendar-day-${day.date}`}
                  title={localized(day.name, language)}
                >
                  {day.kind === 'workday' ? t('catalogue.makeUp') : t('catalogue.rest')}{' '}
                  {localized(day.name, language)}
                </Tag>
              );
            }}
          />
        </Card>
        <Card size="small" title={t('catalogue.workingTime')} className="calendar-side">
          <Form<WorkingTime>
            form={timeForm}
            layout="vertical"
            disabled={!mayEdit}
            onFinish={(values) => void saveTime(values)}
          >
            <Form.Item name="weekdays" label={t('catalogue.weekdays')}>
              <Checkbox.Group
                options={[1, 2, 3, 4, 5, 6, 7].map((day) => ({
                  value: day,
                  label: t(`catalogue.weekday.${day}`),
                }))}
              />
            </Form.Item>
            <Form.List name="periods">
              {(fields, { add, remove }) => (
                <>
                  <Typography.Text strong>{t('catalogue.periods')}</Typography.Text>
                  {fields.map((field) => (
                    <Space key={field.key} align="start" style={{ display: 'flex', marginTop: 8 }}>
                      <Form.Item
                        name={[field.name, 'start']}
                        rules={[{ required: true, pattern: /^\d\d:\d\d$/, message: 'HH:MM' }]}
                        noStyle={false}
                        style={{ marginBottom: 0 }}
                      >
                        <Input style={{ width: 80 }} placeholder="09:00" />
                      </Form.Item>
                      <span>–</span>
                      <Form.Item
                        name={[field.name, 'end']}
                        rules={[{ required: true, pattern: /^\d\d:\d\d$/, message: 'HH:MM' }]}
                        style={{ marginBottom: 0 }}
                      >
                        <Input style={{ width: 80 }} placeholder="17:30" />
                      </Form.Item>
                      {mayEdit ? (
                        <Button
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          onClick={() => remove(field.name)}
                          aria-label={t('catalogue.remove')}
                        />
                      ) : null}
                    </Space>
                  ))}
                  {mayEdit ? (
                    <Button
                      type="dashed"
                      size="small"
                      icon={<PlusOutlined />}
                      style={{ marginTop: 8 }}
                      onClick={() => add({ start: '', end: '' })}
                    >
                      {t('catalogue.addPeriod')}
                    </Button>
                  ) : null}
                </>
              )}
            </Form.List>
            {timeProblems.length > 0 ? (
              <Alert type="error" showIcon title={timeProblems.join('；')} style={{ marginTop: 8 }} />
            ) : null}
            {mayEdit ? (
              <Button
                type="primary"
                htmlType="submit"
                style={{ marginTop: 12 }}
                data-testid="working-time-save"
              >
                {t('common.save')}
              </Button>
            ) : null}
          </Form>
          <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
            <Tag color="red">{t('catalogue.rest')}</Tag>
            {t('catalogue.holidayHint')}
            <br />
            <Tag color="blue">{t('catalogue.makeUp')}</Tag>
            {t('catalogue.workdayHint')}
          </Typography.Paragraph>
        </Card>
      </div>
      <Modal
        open={picked !== null}
        title={picked?.format('YYYY-MM-DD')}
        onCancel={() => setPicked(null)}
        destroyOnHidden={false}
        footer={
          <Space>
            {pickedDay ? (
              <Button
                danger
                loading={saving}
                onClick={() => void removeDay()}
                data-testid="calendar-day-remove"
              >
                {t('catalogue.removeDay')}
              </Button>
            ) : null}
            <Button onClick={() => setPicked(null)}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              loading={saving}
              onClick={() => void addDay().catch(() => undefined)}
              data-testid="calendar-day-save"
            >
              {pickedDay ? t('common.save') : t('catalogue.addDay')}
            </Button>
          </Space>
        }
      >
        <Form<DayValues> form={dayForm} layout="vertical" data-testid="calendar-day-form">
          <Form.Item name="kind" label={t('catalogue.dayKindLabel')} rules={[{ required: true }]}>
            <Radio.Group
              options={[
                { value: 'holiday', label: t('catalogue.dayKind.holiday') },
                { value: 'workday', label: t('catalogue.dayKind.workday') },
              ]}
            />
          </Form.Item>
          <Form.Item name="nameZh" label={t('catalogue.nameZh')}>
            <Input maxLength={60} data-testid="calendar-day-name" />
          </Form.Item>
          <Form.Item name="nameEn" label={t('catalogue.nameEn')}>
            <Input maxLength={120} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
