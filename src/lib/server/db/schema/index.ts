export * from './auth';
export * from './audit';
export * from './framework';
export * from './catalog';
export * from './rounds';
export * from './backlog';
export * from './settings';
export * from './mail';
