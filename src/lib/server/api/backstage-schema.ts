import { z } from 'zod';

/** The shape Backstage's tech-radar plugin reads (its TechRadarLoaderResponse), as the API documents it. */
export const BackstageRadarSchema = z
	.object({
		quadrants: z.array(z.object({ id: z.string(), name: z.string() })),
		rings: z.array(z.object({ id: z.string(), name: z.string(), color: z.string(), description: z.string().optional() })),
		entries: z.array(
			z.object({
				key: z.string(),
				id: z.string(),
				quadrant: z.string().meta({ description: 'A quadrant id.' }),
				title: z.string(),
				url: z.string().optional(),
				description: z.string().optional(),
				timeline: z
					.array(
						z.object({
							date: z.string().meta({ description: 'When the round closed (ISO 8601).' }),
							ringId: z.string(),
							description: z.string().optional(),
							moved: z
								.union([z.literal(-1), z.literal(0), z.literal(1)])
								.optional()
								.meta({ description: '1 towards Adopt, -1 away.' })
						})
					)
					.meta({ description: 'Newest first: the ring changes, and the first rating.' })
			})
		)
	})
	.meta({ id: 'BackstageTechRadar' });
