import {Box, Text} from 'ink';
import type {RequestLog} from '../../src/azure/request-log.js';
import {summarizeRequests} from '../../src/azure/request-summary.js';

export interface BehindTheStepProps {
	readonly step: {readonly id: string; readonly title: string};
	readonly position: {readonly index: number; readonly count: number};
	readonly requestLog: RequestLog;
	/** Rows shown at most: the latest ones (a step polling a long operation makes many). */
	readonly limit?: number;
}

function statusColor(status: string): string {
	if (status.startsWith('2')) return 'green';
	if (status.startsWith('4') || status === 'error') return 'red';
	return 'yellow';
}

/** The Resource Manager requests one step made: what the az command does underneath. */
export function BehindTheStep({step, position, requestLog, limit = 8}: BehindTheStepProps) {
	const requests = summarizeRequests(requestLog.requestsFor(step.id));
	const shown = requests.slice(-limit);
	return (
		<Box flexDirection="column" marginTop={1} borderStyle="round" borderColor="gray" paddingX={1}>
			<Text bold>
				Behind step {position.index + 1} of {position.count}: {step.title}
			</Text>
			{!requestLog.hasRun(step.id) ? <Text dimColor>Not run in this session yet: no requests.</Text> : null}
			{requestLog.hasRun(step.id) && requests.length === 0 ? <Text dimColor>No Resource Manager requests (a local step).</Text> : null}
			{requests.length > shown.length ? <Text dimColor>… {requests.length - shown.length} earlier</Text> : null}
			{shown.map((request, index) => (
				<Box key={index} flexDirection="column">
					<Text wrap="truncate-end">
						<Text bold>{request.method.padEnd(6)}</Text>
						<Text color={statusColor(request.status)}>{request.status.padEnd(4)}</Text>
						<Text dimColor>{request.duration.padStart(6)} </Text>
						{request.path}
						{request.count > 1 ? <Text dimColor>{` ×${request.count}`}</Text> : null}
					</Text>
					{request.detail ? (
						<Text color="cyan" wrap="truncate-end">
							{`${' '.repeat(17)}${request.detail}`}
						</Text>
					) : null}
				</Box>
			))}
		</Box>
	);
}
