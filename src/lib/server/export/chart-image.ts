import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { Chart, Filler, Legend, LineElement, PointElement, RadarController, RadialLinearScale } from 'chart.js';
import { PAPER, PRINT_FONT, radarDatasets, RADAR_SIZES, type RadarSeries } from '#lib/chart-style.ts';
import { FONT_REGULAR } from './fonts';

let ready = false;
function setup() {
	if (ready) return;
	GlobalFonts.registerFromPath(FONT_REGULAR, PRINT_FONT);
	Chart.register(RadarController, RadialLinearScale, PointElement, LineElement, Filler, Legend);
	Chart.defaults.font.family = PRINT_FONT;
	ready = true;
}

const SIZES = RADAR_SIZES.print;

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
				ctx.fillStyle = PAPER;
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
						ticks: { stepSize: 1, font: { size: SIZES.tick }, backdropColor: 'transparent' },
						pointLabels: { font: { size: SIZES.label } }
					}
				},
				plugins: { legend: { labels: { font: { size: SIZES.legend } } } }
			},
			plugins: [whiteBackground]
		});
	}

	/** JPEG: pdfkit embeds it as is, where a PNG with alpha would be decoded and re-compressed. */
	render(series: RadarSeries[]): Buffer {
		this.#chart.data.datasets = radarDatasets(series, SIZES);
		this.#chart.update('none');
		return this.#canvas.toBuffer('image/jpeg', 90);
	}

	destroy() {
		this.#chart.destroy();
	}
}
