import type { FastifyError } from 'fastify';
import { Type } from 'typebox';
import type { Services } from '../app.js';
import { requireUser } from '../accounts/auth.js';
import { AppError } from '../core/errors.js';
import { problemResponses, type App } from '../core/http.js';
import { Point } from '../events/schema.js';
import { HOTLINE_MAX_BYTES, HotlineImportResult, parseSince, UnlocatedTicket } from './exchange.js';
import { HotlineTicket, TicketResult } from './service.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Content types a hotline file may be uploaded as (the raw body). */
const UPLOAD_TYPES = [
  XLSX_TYPE,
  'text/csv',
  'application/csv',
  'application/octet-stream',
  'application/vnd.ms-excel',
];

function contentDisposition(filename: string): string {
  return `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** 12345 hotline webhook: authenticated by the shared secret (GEZHI_HOTLINE_SECRET), not by a user. */
export async function hotlineRoutes(app: App, services: Services): Promise<void> {
  app.post(
    '/api/hotline/tickets',
    {
      schema: {
        tags: ['hotline'],
        summary:
          '12345工单推送 Receive a hotline ticket (header x-hotline-secret); a repeated ticket changes nothing',
        headers: Type.Object({ 'x-hotline-secret': Type.Optional(Type.String({ maxLength: 500 })) }),
        body: HotlineTicket,
        response: { 200: TicketResult, 201: TicketResult, ...problemResponses(400, 401, 422) },
      },
      // the secret is checked before the body, so a caller without it learns nothing about the schema
      preValidation: async (request) => {
        const header = request.headers['x-hotline-secret'];
        services.hotline.checkSecret(typeof header === 'string' ? header : undefined);
      },
    },
    async (request, reply) => {
      const result = await services.hotline.receive(request.body);
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  const exchange = services.hotlineExchange;
  // the raw-body parsers and the size limit apply to the file routes only
  await app.register(async (scope: App) => {
    scope.addContentTypeParser(
      UPLOAD_TYPES,
      { parseAs: 'buffer', bodyLimit: HOTLINE_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.setErrorHandler((error: FastifyError) => {
      if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        throw new AppError(
          413,
          'hotline_file_too_large',
          `文件过大：热线工单文件不能超过 ${HOTLINE_MAX_BYTES / 1024 / 1024} MB，请分批导入`,
          `The file is too large: at most ${HOTLINE_MAX_BYTES / 1024 / 1024} MB; import it in parts`,
        );
      }
      throw error;
    });

    scope.post(
      '/api/hotline/imports',
      {
        schema: {
          tags: ['hotline'],
          summary:
            '导入12345工单 Import the hotline’s ticket export (CSV in UTF-8 or GBK, or .xlsx) as the raw body',
          description:
            'Columns by their Chinese headers (工单编号, 来电时间, 标题, 诉求内容, 问题分类, 地址, 经度, 纬度, 来电人, ' +
            '联系电话, 办理时限; common variants accepted). Every row is checked first: any problem answers 422 ' +
            '`sheet_rows_invalid` with every `{row, column, zh, en}` and nothing is written. A ticket filed before ' +
            '(by file or webhook) changes nothing; one without coordinates waits for the centre to locate it. ' +
            '`dryRun=true` checks and counts only.',
          querystring: Type.Object(
            { dryRun: Type.Boolean({ default: false }) },
            { additionalProperties: false },
          ),
          response: { 200: HotlineImportResult, ...problemResponses(400, 401, 403, 413, 415, 422) },
        },
      },
      async (request) => {
        const user = requireUser(request);
        if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
          throw new AppError(
            415,
            'hotline_upload_expected',
            '请以原始内容（text/csv 或 .xlsx）上传热线工单文件',
            'Upload the hotline file as the raw body (text/csv or .xlsx)',
          );
        }
        return exchange.importFile(request.body, user, { dryRun: request.query.dryRun });
      },
    );
  });

  app.get(
    '/api/hotline/tickets/export',
    {
      schema: {
        tags: ['hotline'],
        summary: '工单办理情况回传 Status of the hotline’s tickets in its words (CSV or .xlsx)',
        description:
          'Columns: 工单编号, 事件编号, 办理状态 (受理/办理中/挂起/已办结/已回访/退回/已撤销), 承办部门, 办理结果, 办结时间, ' +
          '满意度评价, 是否超期. `since` (a date or an instant) limits to tickets changed since then. CSV is UTF-8 ' +
          'with a BOM unless `encoding=gbk`.',
        querystring: Type.Object(
          {
            format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
            since: Type.Optional(Type.String({ maxLength: 40 })),
            encoding: Type.Union([Type.Literal('utf-8'), Type.Literal('gbk')], { default: 'utf-8' }),
          },
          { additionalProperties: false },
        ),
        response: problemResponses(400, 401, 403),
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const since = parseSince(request.query.since);
      const stamp = services.clock.now().toISOString().slice(0, 10);
      if (request.query.format === 'xlsx') {
        const buffer = await exchange.exportXlsx(user, since);
        return reply
          .type(XLSX_TYPE)
          .header('content-disposition', contentDisposition(`12345工单办理情况-${stamp}.xlsx`))
          .send(buffer);
      }
      const buffer = await exchange.exportCsv(user, since, request.query.encoding);
      return reply
        .type(`text/csv; charset=${request.query.encoding === 'gbk' ? 'gbk' : 'utf-8'}`)
        .header('content-disposition', contentDisposition(`12345工单办理情况-${stamp}.csv`))
        .send(buffer);
    },
  );

  app.get(
    '/api/hotline/tickets/unlocated',
    {
      schema: {
        tags: ['hotline'],
        summary: '待定位工单 Hotline tickets that came without coordinates',
        response: { 200: Type.Object({ items: Type.Array(UnlocatedTicket) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ items: await exchange.unlocated(requireUser(request)) }),
  );

  app.post(
    '/api/hotline/tickets/:ticket/locate',
    {
      schema: {
        tags: ['hotline'],
        summary: '定位 Place a waiting ticket on the map: it is filed as an event',
        params: Type.Object({ ticket: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object(
          { location: Point, categoryCode: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })) },
          { additionalProperties: false },
        ),
        response: { 200: TicketResult, 201: TicketResult, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const result = await exchange.locate(
        request.params.ticket,
        request.body.location,
        requireUser(request),
        request.body.categoryCode,
      );
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );
}
