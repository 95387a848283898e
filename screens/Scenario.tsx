import {useState} from 'react';
import {Box, Text} from 'ink';
import type {WorkspaceSummary} from '../src/azure/gateway.js';
import {narrationFor} from '../src/narration/narration.js';
import {scenarios} from '../src/scenarios/index.js';
import {Footer} from './components/Footer.js';
import {NarrationText} from './components/NarrationText.js';
import {SelectList} from './components/SelectList.js';
import {keyHints, useNavigationKeys} from './keys.js';

export interface ScenarioProps {
	readonly workspace: WorkspaceSummary;
	readonly onChosen: (scenarioId: string) => void;
	/** The scenario chosen before (back from its questions): the list starts on it. */
	readonly chosenBefore?: string;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
	/** Tell the highlighted scenario's story: what Azure does by itself and what it does not (demo mode, --explain). */
	readonly isExplaining?: boolean;
	readonly onToggleExplaining?: () => void;
}

export function Scenario({workspace, onChosen, chosenBefore, onBack, onQuit, isExplaining = false, onToggleExplaining}: ScenarioProps) {
	useNavigationKeys({onBack, onQuit, onKey: (input) => input === '?' && onToggleExplaining?.()});
	const [highlightedId, setHighlightedId] = useState(chosenBefore ?? scenarios[0]?.id);
	const highlighted = scenarios.find((scenario) => scenario.id === highlightedId);
	const story = highlighted && isExplaining ? narrationFor(highlighted.id) : undefined;
	return (
		<Box flexDirection="column">
			<Text bold>What do you want to set up on {workspace.name}?</Text>
			<SelectList
				items={scenarios.map((scenario) => ({value: scenario.id, label: scenario.title}))}
				wrapRows
				limit={12}
				{...(chosenBefore ? {initialValue: chosenBefore} : {})}
				onHighlight={setHighlightedId}
				onSelect={onChosen}
			/>
			{highlighted ? (
				<Box flexDirection="column" marginTop={1} paddingLeft={2}>
					<Text>{highlighted.description}</Text>
					{highlighted.caveat ? <Text color="yellow">⚠ {highlighted.caveat}</Text> : null}
					<Text dimColor>
						From document {highlighted.source.document}, “{highlighted.source.section}”
						{highlighted.source.inEnglish ? ` (“${highlighted.source.inEnglish}”)` : ''}
					</Text>
					{story ? (
						<Box marginTop={1}>
							<NarrationText narration={story} />
						</Box>
					) : null}
				</Box>
			) : null}
			<Footer
				hints={[keyHints.move, keyHints.select, ...(onToggleExplaining ? [isExplaining ? '? hide explanations' : '? explain'] : []), keyHints.back, keyHints.quit]}
			/>
		</Box>
	);
}
