import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {SEED} from '../../src/emulator/index.js';
import {AutoplayControl, AutoplayStopped, isRow, playTour, type AutoplayScreen} from '../../src/autoplay/player.js';
import {buildTour} from '../../src/autoplay/tour.js';
import {startEmulatedAzure, type EmulatedAzure} from '../helpers/emulated-azure.js';

const examples = fileURLToPath(new URL('../../examples/answers/', import.meta.url));
const answersOf = (scenario: string) => YAML.parse(readFileSync(`${examples}${scenario}.yaml`, 'utf8')) as Record<string, unknown>;

let azure: EmulatedAzure | undefined;
afterEach(async () => {
	await azure?.close();
	azure = undefined;
});

describe('an autoplay tour', () => {
	it('is what a person would do on each screen, from the example answers', async () => {
		azure = await startEmulatedAzure();
		const tour = await buildTour(answersOf('managed-environment-private-acr'), azure.gateway, {outputDirectory: '/tmp/x', signedInUser: {name: SEED.user.name}});
		expect(tour.actions).toEqual([
			{kind: 'choose', label: 'Start a new setup'},
			{kind: 'choose', label: 'Contoso ML Production'},
			{kind: 'choose', label: 'mlw-fraud-prod'},
			{kind: 'choose', label: 'Build a managed environment from a private ACR base image'},
			{kind: 'choose', label: 'crcontosobase'},
			{kind: 'choose', label: 'Create a new user-assigned identity'},
			{kind: 'type', text: 'id-build-base'},
			{kind: 'type', text: 'base/python-ml:3.11'},
			{kind: 'confirm', shows: /Enter run the plan/, dwell: 'plan'},
			{kind: 'confirm', shows: /Enter finish/, dwell: 'result'},
		]);
	});

	it('refuses an answers file that leaves a question open, naming it', async () => {
		azure = await startEmulatedAzure();
		const {compute: _compute, ...unanswered} = answersOf('compute-acr-pull');
		await expect(buildTour(unanswered, azure.gateway, {outputDirectory: '/tmp/x'})).rejects.toThrow('does not answer "compute"');
	});
});

describe('the player', () => {
	it('knows a list row by its label, detail or not, wrapped or not', () => {
		expect(isRow('❯ gpu-legacy  system-assigned identity', 'gpu-legacy')).toBe(true);
		expect(isRow('  gpu-legacy', 'gpu-legacy')).toBe(true);
		expect(isRow('  gpu-legacy-2  x', 'gpu-legacy')).toBe(false);
		expect(isRow('✔ Workspace     gpu-legacy', 'gpu-legacy')).toBe(false);
		expect(isRow('❯ Yes, I do not deploy to ACI: disable the', 'Yes, I do not deploy to ACI: disable the admin user')).toBe(true);
	});

	it('moves the pointer to the row, then presses Enter; q stops it', async () => {
		let pointer = 0;
		const rows = ['cpu-cluster', 'cpu-noid', 'gpu-legacy'];
		const sent: string[] = [];
		const screen: AutoplayScreen = {
			text: () => (sent.includes('\r') ? 'Plan:' : `Which compute cluster?\n${rows.map((row, index) => `${index === pointer ? '❯' : ' '} ${row}`).join('\n')}`),
			nextFrame: async () => {},
			isClosed: () => false,
			send: (key) => {
				sent.push(key);
				if (key === '\u001B[B') pointer++;
			},
		};
		const control = new AutoplayControl();
		await playTour({scenarioId: 'x', title: 'x', actions: [{kind: 'choose', label: 'gpu-legacy'}]}, screen, {pace: 0, control});
		expect(sent).toEqual(['\u001B[B', '\u001B[B', '\r']);

		control.stop();
		await expect(playTour({scenarioId: 'x', title: 'x', actions: [{kind: 'choose', label: 'cpu-cluster'}]}, screen, {pace: 0, control})).rejects.toBeInstanceOf(AutoplayStopped);
	});
});
