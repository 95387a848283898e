import {useEffect, useState, type ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {AutoplayControl} from '../src/autoplay/player.js';

export interface AutoplayProps {
	readonly control: AutoplayControl;
	/** "compute-acr-pull (3 of 11)". */
	readonly tourLabel: string;
	readonly children: ReactNode;
}

/** The wizard as a person sees it, under a line that says it is playing itself and which keys steer it. */
export function Autoplay({control, tourLabel, children}: AutoplayProps) {
	const [isPaused, setPaused] = useState(control.isPaused);
	useEffect(() => control.onChange(() => setPaused(control.isPaused)), [control]);
	return (
		<Box flexDirection="column">
			<Text>
				<Text inverse color={isPaused ? 'yellow' : 'cyan'}>{isPaused ? ' ❚❚ paused ' : ' ▶ autoplay '}</Text>
				<Text dimColor>{` ${tourLabel} · space ${isPaused ? 'resume' : 'pause'} · → next · q stop`}</Text>
			</Text>
			{children}
		</Box>
	);
}
