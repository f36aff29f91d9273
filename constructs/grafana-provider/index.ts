export * from './provider';
export * from './folder';
export * from './data-source';
export * from './dashboard';
