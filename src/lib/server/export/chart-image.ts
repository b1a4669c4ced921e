import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { Chart, Filler, Legend, LineElement, PointElement, RadarController, RadialLinearScale } from 'chart.js';
import { SERIES_COLOURS } from '$lib/domain/compare';
import { FONT_REGULAR } from './fonts';

let ready = false;
function setup() {
	if (ready) return;
	GlobalFonts.registerFromPath(FONT_REGULAR, 'DejaVu Sans');
	Chart.register(RadarController, RadialLinearScale, PointElement, LineElement, Filler, Legend);
	Chart.defaults.font.family = 'DejaVu Sans';
	ready = true;
}

export type ImageSeries = { label: string; data: (number | null)[]; style: 'current' | 'previous' | 'target' };

const STYLE = {
	current: { color: SERIES_COLOURS[0], dash: [] as number[], fill: true },
	previous: { color: SERIES_COLOURS[1], dash: [12, 8], fill: false },
	target: { color: '#7f7f7f', dash: [4, 6], fill: false }
};

const datasetsFor = (series: ImageSeries[]) =>
	series.map((s) => ({
		label: s.label,
		data: s.data,
		borderColor: STYLE[s.style].color,
		backgroundColor: STYLE[s.style].fill ? `${STYLE[s.style].color}26` : 'transparent',
		borderDash: STYLE[s.style].dash,
		fill: STYLE[s.style].fill,
		pointRadius: s.style === 'target' ? 0 : 5,
		pointBackgroundColor: STYLE[s.style].color,
		borderWidth: 3,
		spanGaps: true
	}));

/**
 * Draws the app's radar on the server (same colours and dashes) at print resolution. One
 * canvas and one chart serve a whole report: each technology only swaps the data, which keeps
 * a 1,000-page PDF from allocating a thousand canvases.
 */
export class RadarRenderer {
	#canvas;
	#chart;

	constructor(labels: string[], size = 800) {
		setup();
		this.#canvas = createCanvas(size, size);
		const whiteBackground = {
			id: 'white-background',
			beforeDraw: (chart: Chart) => {
				const ctx = chart.ctx;
				ctx.save();
				ctx.fillStyle = '#ffffff';
				ctx.fillRect(0, 0, chart.width, chart.height);
				ctx.restore();
			}
		};
		this.#chart = new Chart(this.#canvas.getContext('2d') as unknown as CanvasRenderingContext2D, {
			type: 'radar',
			data: { labels, datasets: [] },
			options: {
				responsive: false,
				animation: false,
				devicePixelRatio: 1,
				scales: {
					r: {
						min: 0,
						max: 5,
						ticks: { stepSize: 1, font: { size: 18 }, backdropColor: 'transparent' },
						pointLabels: { font: { size: 18 } }
					}
				},
				plugins: { legend: { labels: { font: { size: 20 } } } }
			},
			plugins: [whiteBackground]
		});
	}

	/** JPEG: pdfkit embeds it as is, where a PNG with alpha would be decoded and re-compressed. */
	render(series: ImageSeries[]): Buffer {
		this.#chart.data.datasets = datasetsFor(series);
		this.#chart.update('none');
		return this.#canvas.toBuffer('image/jpeg', 90);
	}

	destroy() {
		this.#chart.destroy();
	}
}
