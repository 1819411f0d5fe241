import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Empty, Form, Input, Rate, Steps, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/client';
import { localized } from '../i18n';
import { publicApi, type PublicMatter } from './api';
import { myMatters, progressOf, PROGRESS } from './store';

function when(iso: string, language: string): string {
  return new Date(iso).toLocaleString(language === 'en' ? 'en-GB' : 'zh-CN', {
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

interface Query {
  number: string;
  code: string;
}

/** 查询进度 a matter by its number and follow code (or one of "my matters"), its steps, and 评价 when closed. */
export function FollowView({ initial }: { initial: Query | null }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Query>();
  const [query, setQuery] = useState<Query | null>(initial);
  const [matter, setMatter] = useState<PublicMatter | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [rating, setRating] = useState(false);
  const mine = myMatters();

  const load = useCallback(async (next: Query) => {
    setLoading(true);
    setProblem(null);
    try {
      setMatter(await publicApi.follow(next.number.trim(), next.code.trim()));
    } catch (error) {
      setMatter(null);
      setProblem(errorText(error));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (!query) return;
    form.setFieldsValue(query);
    void load(query);
  }, [query, form, load]);

  async function rate() {
    if (!matter || !query || score === 0) return;
    setRating(true);
    try {
      setMatter(await publicApi.rate(matter.number, query.code.trim(), score, comment.trim()));
      void message.success(t('resident.thanks'));
    } catch (error) {
      void message.error(errorText(error));
    } finally {
      setRating(false);
    }
  }

  const progress = matter ? progressOf(matter.state) : null;

  return (
    <div className="resident-follow">
      <Form<Query>
        form={form}
        layout="vertical"
        onFinish={(values) => setQuery({ number: values.number, code: values.code })}
        data-testid="resident-follow-form"
      >
        <Form.Item
          name="number"
          label={t('resident.number')}
          rules={[{ required: true, message: t('resident.numberRequired') }]}
        >
          <Input placeholder="E20261125-000123" autoComplete="off" data-testid="resident-follow-number" />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('resident.followCode')}
          rules={[{ required: true, message: t('resident.codeRequired') }]}
        >
          <Input
            placeholder={t('resident.codePlaceholder')}
            autoComplete="off"
            autoCapitalize="characters"
            maxLength={12}
            data-testid="resident-follow-code"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={loading} data-testid="resident-follow-submit">
          {t('resident.query')}
        </Button>
      </Form>

      {mine.length > 0 && !matter ? (
        <div className="resident-mine">
          <Typography.Title level={5}>{t('resident.myMatters')}</Typography.Title>
          {mine.map((m) => (
            <Button
              key={m.number}
              block
              className="resident-mine-item"
              onClick={() => setQuery({ number: m.number, code: m.code })}
            >
              <span>{m.number}</span>
              <span className="resident-mine-meta">
                {m.category} · {when(m.raisedAt, i18n.language)}
              </span>
            </Button>
          ))}
        </div>
      ) : null}

      {problem ? <Alert type="warning" showIcon title={problem} className="resident-problem" /> : null}

      {matter && progress ? (
        <Card className="resident-matter" data-testid="resident-matter" size="small">
          <div className="resident-matter-head">
            <div>
              <div className="resident-matter-number">{matter.number}</div>
              <div className="resident-matter-category">
                {localized(matter.category.major)} · {localized(matter.category.name)}
              </div>
            </div>
            <Tag
              color={progress.failed ? 'default' : progress.step >= 3 ? 'green' : 'blue'}
              data-testid="resident-state"
            >
              {t(`resident.state.${matter.state}`, { defaultValue: matter.state })}
            </Tag>
          </div>
          <Steps
            size="small"
            responsive={false}
            titlePlacement="vertical"
            current={progress.step}
            status={progress.failed ? 'error' : progress.step === 4 ? 'finish' : 'process'}
            items={PROGRESS.map((key) => ({ title: t(`resident.progress.${key}`) }))}
            className="resident-steps"
          />
          <Timeline
            className="resident-timeline"
            items={[...matter.steps].reverse().map((step) => ({
              key: `${step.action}-${step.at}`,
              content: (
                <div>
                  <div className="resident-step-title">
                    {t(`resident.step.${step.action}`, { defaultValue: step.action })}
                  </div>
                  <div className="resident-step-meta">
                    {when(step.at, i18n.language)}
                    {step.by ? ` · ${localized(step.by)}` : ''}
                  </div>
                </div>
              ),
            }))}
          />
          {matter.resultPhotos.length > 0 ? (
            <div className="resident-result-photos">
              <Typography.Text strong>{t('resident.resultPhotos')}</Typography.Text>
              <div className="resident-photos">
                {matter.resultPhotos.map((photo) => (
                  <a
                    key={photo.hash}
                    href={`${photo.url}?code=${encodeURIComponent(query?.code ?? '')}`}
                    target="_blank"
                    rel="noreferrer"
                    className="resident-photo"
                  >
                    <img src={`${photo.url}?code=${encodeURIComponent(query?.code ?? '')}`} alt="" />
                  </a>
                ))}
              </div>
            </div>
          ) : null}
          {matter.rating ? (
            <div className="resident-rated" data-testid="resident-rated">
              <Typography.Text strong>{t('resident.yourRating')}</Typography.Text>
              <Rate disabled value={matter.rating.score} />
              {matter.rating.comment ? <div>{matter.rating.comment}</div> : null}
            </div>
          ) : null}
          {matter.canRate ? (
            <div className="resident-rate" data-testid="resident-rate">
              <Typography.Title level={5}>{t('resident.rateTitle')}</Typography.Title>
              <Rate value={score} onChange={setScore} data-testid="resident-rate-stars" />
              <Input.TextArea
                rows={3}
                maxLength={500}
                showCount
                value={comment}
                onChange={(event) => setComment(event.target.value)}
                placeholder={t('resident.commentPlaceholder')}
                data-testid="resident-rate-comment"
              />
              <Button
                type="primary"
                block
                disabled={score === 0}
                loading={rating}
                onClick={() => void rate()}
                data-testid="resident-rate-submit"
              >
                {t('resident.submitRating')}
              </Button>
            </div>
          ) : null}
        </Card>
      ) : null}
      {!matter && !problem && mine.length === 0 ? (
        <Empty description={t('resident.followHint')} className="resident-empty" />
      ) : null}
    </div>
  );
}
