import { useEffect, useRef } from 'react';
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, PieSeriesOption } from 'echarts/charts';
import type { GridComponentOption, TooltipComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// only what the portrait draws: bars and pies on a canvas (the whole of echarts is five times bigger)
echarts.use([BarChart, PieChart, GridComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | PieSeriesOption | GridComponentOption | TooltipComponentOption
>;

export interface EChartProps {
  option: ChartOption;
  height: number;
  /** For tests and screen readers: what the chart shows. */
  label: string;
  testId?: string;
}

/** One chart, drawn on a canvas, redrawn when the option changes and resized with its box. */
export function EChart({ option, height, label, testId }: EChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const instance = echarts.init(element, undefined, { renderer: 'canvas' });
    chart.current = instance;
    // the tests (and slow machines) can tell when the picture is on the canvas
    instance.on('finished', () => {
      element.dataset.state = 'drawn';
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    instance.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={box}
      className="echart"
      role="img"
      aria-label={label}
      data-testid={testId}
      style={{ height, width: '100%' }}
    />
  );
}
