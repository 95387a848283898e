import {Box, Text} from 'ink';
import type {AzureFailure} from '../../src/azure/errors.js';
import {nextStepFor} from '../../src/azure/next-steps.js';

/** An expected Azure failure: what happened, its code, and what to do next. */
export function FailureMessage({title, failure}: {readonly title: string; readonly failure: AzureFailure}) {
	return (
		<Box flexDirection="column">
			<Text color="red">
				✖ {title}: {failure.code}
			</Text>
			<Text>{failure.message}</Text>
			<Text color="yellow">→ {nextStepFor(failure)}</Text>
		</Box>
	);
}
