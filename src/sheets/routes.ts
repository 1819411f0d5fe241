import multipart from '@fastify/multipart';
import type { FastifyError } from 'fastify';
import { Type } from 'typebox';
import type { Services } from '../app.js';
import { requireUser } from '../accounts/auth.js';
import { AppError } from '../core/errors.js';
import { problemResponses, type App } from '../core/http.js';
import { SHEET_MAX_BYTES } from './service.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const KeyParams = Type.Object({ key: Type.String({ pattern: '^[a-z][a-zA-Z0-9_-]{0,63}$' }) });

const SheetInfo = Type.Object({
  key: Type.String(),
  title: Type.Object({ zh: Type.String(), en: Type.String() }),
  canImport: Type.Boolean(),
  canExport: Type.Boolean(),
  columns: Type.Array(
    Type.Object({
      key: Type.String(),
      header: Type.Object({ zh: Type.String(), en: Type.String() }),
      required: Type.Boolean(),
      choices: Type.Optional(Type.Array(Type.String())),
    }),
  ),
});

const ImportResult = Type.Object({
  key: Type.String(),
  dryRun: Type.Boolean(),
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  timings: Type.Object({ parseMs: Type.Number(), checkMs: Type.Number(), writeMs: Type.Number() }),
});

function tooLarge(): AppError {
  const megabytes = SHEET_MAX_BYTES / 1024 / 1024;
  return new AppError(
    413,
    'sheet_too_large',
    `文件过大：表格文件不能超过 ${megabytes} MB，请分批导入`,
    `The file is too large: a sheet may be at most ${megabytes} MB; import it in parts`,
    undefined,
    { maxBytes: SHEET_MAX_BYTES },
  );
}

function contentDisposition(filename: string): string {
  return `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * 表格导入导出 spreadsheet routes. They live in a plugin of their own so that the multipart parser, the raw
 * .xlsx body parser and the size limit apply to these routes only.
 */
export async function sheetRoutes(app: App, services: Services): Promise<void> {
  const { sheets } = services;
  await app.register(async (scope: App) => {
    await scope.register(multipart, { limits: { fileSize: SHEET_MAX_BYTES, files: 1 } });
    scope.addContentTypeParser(
      XLSX_TYPE,
      { parseAs: 'buffer', bodyLimit: SHEET_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.setErrorHandler((error: FastifyError, _request, _reply) => {
      // over the limit: a clear 413 in both languages instead of the parser's own message
      if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw tooLarge();
      throw error;
    });

    scope.get(
      '/api/sheets',
      {
        schema: {
          tags: ['sheets'],
          summary: '表格 The sheets you may import or export',
          response: { 200: Type.Object({ items: Type.Array(SheetInfo) }), ...problemResponses(401) },
        },
      },
      async (request) => ({ items: sheets.list(requireUser(request)) }),
    );

    scope.get(
      '/api/sheets/:key/template',
      {
        schema: {
          tags: ['sheets'],
          summary:
            '下载模板 The .xlsx template: Chinese headers, English and an example in each header note, drop-downs',
          params: KeyParams,
          response: problemResponses(400, 401, 403, 404),
        },
      },
      async (request, reply) => {
        const { buffer, filename } = await sheets.template(request.params.key, requireUser(request));
        return reply.type(XLSX_TYPE).header('content-disposition', contentDisposition(filename)).send(buffer);
      },
    );

    scope.post(
      '/api/sheets/:key/import',
      {
        schema: {
          tags: ['sheets'],
          summary: '导入 Import an .xlsx (multipart field "file", or the raw body as ' + XLSX_TYPE + ')',
          description:
            'Every row is checked first. If any row has a problem the answer is 422 with every problem as ' +
            '`rows: [{row, column, zh, en}]` and nothing is written; otherwise all rows are written in one ' +
            'transaction. `dryRun=true` checks only. Files over 20 MB are refused with 413.',
          params: KeyParams,
          querystring: Type.Object(
            { dryRun: Type.Boolean({ default: false }) },
            { additionalProperties: false },
          ),
          response: { 200: ImportResult, ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
        },
      },
      async (request) => {
        const user = requireUser(request);
        let buffer: Buffer;
        if (request.isMultipart()) {
          const file = await request.file();
          if (!file) throw unsupported();
          buffer = await file.toBuffer();
        } else if (Buffer.isBuffer(request.body)) {
          buffer = request.body;
        } else {
          throw unsupported();
        }
        return sheets.import(request.params.key, buffer, user, { dryRun: request.query.dryRun });
      },
    );

    scope.get(
      '/api/sheets/:key/export',
      {
        schema: {
          tags: ['sheets'],
          summary:
            '导出 Export what you may see as .xlsx (masked as your role requires; unmask=true is audited)',
          params: KeyParams,
          querystring: Type.Object(
            { unmask: Type.Boolean({ default: false }) },
            { additionalProperties: false },
          ),
          response: problemResponses(400, 401, 403, 404),
        },
      },
      async (request, reply) => {
        const { buffer, filename } = await sheets.export(
          request.params.key,
          requireUser(request),
          request.query.unmask,
        );
        return reply.type(XLSX_TYPE).header('content-disposition', contentDisposition(filename)).send(buffer);
      },
    );
  });
}

function unsupported(): AppError {
  return new AppError(
    415,
    'sheet_upload_expected',
    '请以 multipart/form-data 的 file 字段或 .xlsx 原始内容上传表格',
    `Upload the sheet as the multipart field "file" or as the raw body of type ${XLSX_TYPE}`,
  );
}
