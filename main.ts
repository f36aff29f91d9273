import { buildApp } from './stacks/app';

buildApp().synth();
