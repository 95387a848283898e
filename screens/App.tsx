import {join} from 'node:path';
import {useCallback, useEffect, useMemo, useReducer, useRef, useState, type ReactElement} from 'react';
import {Box, Text, useApp} from 'ink';
import type {AzureGateway} from '../src/azure/gateway.js';
import type {SignedInUser} from '../src/azure/credential.js';
import {toAzureFailure, type AzureFailure} from '../src/azure/errors.js';
import {rolesGranting} from '../src/azure/permissions.js';
import type {Plan} from '../src/plan/plan.js';
import type {RunResult} from '../src/plan/runner.js';
import {filesOf, type ScenarioContext} from '../src/scenarios/scenario.js';
import {saveAnswersFile} from '../src/headless/answers-file.js';
import type {ReplicationTiming} from '../src/steps/role-assignment.js';
import {findScenario} from '../src/scenarios/index.js';
import type {Session, SessionMode, SessionRecord, SessionStore} from '../src/session/session-store.js';
import {Answered, type AnsweredItem} from './components/Answered.js';
import {FailureMessage} from './components/FailureMessage.js';
import {Footer} from './components/Footer.js';
import {Loading} from './components/Loading.js';
import {keyHints, useNavigationKeys} from './keys.js';
import {Options} from './Options.js';
import {PlanReview} from './PlanReview.js';
import {Run} from './Run.js';
import {Scenario} from './Scenario.js';
import {Subscription} from './Subscription.js';
import {Summary} from './Summary.js';
import {Welcome} from './Welcome.js';
import {Workspace} from './Workspace.js';
import {initialWizardState, wizardReducer, type WizardState} from './wizard-state.js';

export interface Connection {
	readonly gateway: AzureGateway;
	readonly user: SignedInUser;
	/** e.g. "demo tenant (built-in emulator)" or "Azure Resource Manager". */
	readonly label: string;
	readonly mode: SessionMode;
}

export type WizardOutcome =
	| {readonly kind: 'completed'; readonly sessionId: string}
	| {readonly kind: 'failed'; readonly sessionId: string}
	| {readonly kind: 'quit'; readonly reason: 'quit' | 'interrupt'; readonly sessionId?: string};

export interface AppProps {
	readonly connection: Connection;
	/** Where scenarios write generated files; a folder per workspace is made under it. */
	readonly outputDirectory: string;
	readonly replicationTiming?: ReplicationTiming;
	readonly store: SessionStore;
	/** --resume: offer this session straight away (the latest unfinished one when true). */
	readonly resume?: string | true;
	readonly onExit: (outcome: WizardOutcome) => void;
}

function answeredItems(state: WizardState, user: SignedInUser): AnsweredItem[] {
	if (state.screen === 'welcome') return [];
	const items: AnsweredItem[] = [{label: 'Signed in', value: user.account ? `${user.name} (${user.account})` : user.name}];
	if (state.subscription && state.screen !== 'subscription') items.push({label: 'Subscription', value: state.subscription.name});
	if (state.workspace && !['subscription', 'workspace'].includes(state.screen))
		items.push({label: 'Workspace', value: `${state.workspace.name} (${state.workspace.resourceGroup})`});
	const scenario = state.scenarioId ? findScenario(state.scenarioId) : undefined;
	if (scenario && !['subscription', 'workspace', 'scenario'].includes(state.screen)) items.push({label: 'Scenario', value: scenario.title});
	return items;
}

export function App({connection, store, resume, onExit, outputDirectory, replicationTiming}: AppProps) {
	const {exit} = useApp();
	const {gateway, user} = connection;
	const [state, dispatch] = useReducer(wizardReducer, initialWizardState);
	const session = useRef<Session | undefined>(undefined);
	// One listing at start: it also sets aside session files that cannot be read, and says so.
	const [listing] = useState(() => store.list());
	const [unfinished] = useState<SessionRecord | undefined>(() =>
		typeof resume === 'string' ? store.find(resume) : store.latestUnfinished(connection.mode, listing.sessions),
	);
	const [resumeFailure, setResumeFailure] = useState<AzureFailure | undefined>();
	const [preparationFailure, setPreparationFailure] = useState<AzureFailure | undefined>();
	const [isResuming, setResuming] = useState(false);

	const finish = useCallback(
		(outcome: WizardOutcome) => {
			onExit(outcome);
			exit();
		},
		[onExit, exit],
	);
	const quit = useCallback(
		(reason: 'quit' | 'interrupt') => {
			const current = session.current;
			// A session with nothing chosen has nothing to resume: do not leave it behind.
			if (current && !current.record.choices.subscription) {
				store.delete(current.id);
				finish({kind: 'quit', reason});
			} else {
				finish({kind: 'quit', reason, ...(current ? {sessionId: current.id} : {})});
			}
		},
		[finish, store],
	);
	const save = (choices: Parameters<Session['saveChoices']>[0]) => session.current?.saveChoices(choices);

	const scenario = state.scenarioId ? findScenario(state.scenarioId) : undefined;
	const context = useMemo<ScenarioContext | undefined>(
		() =>
			state.workspace && {
				gateway,
				workspace: state.workspace,
				outputDirectory: join(outputDirectory, state.workspace.name),
				signedInUser: user,
				...(replicationTiming ? {replicationTiming} : {}),
			},
		[gateway, state.workspace, outputDirectory, replicationTiming, user],
	);

	const resumeSession = useCallback(
		async (record: SessionRecord) => {
			setResuming(true);
			setResumeFailure(undefined);
			try {
				const opened = store.open(record.id);
				const {subscription, workspace} = opened.record.choices;
				if (!subscription || !workspace) {
					session.current = opened;
					dispatch(subscription ? {type: 'subscription-chosen', subscription} : {type: 'start'});
					return;
				}
				// Read the workspace afresh: it may have changed (or gone) since the session stopped.
				const current = await gateway.getWorkspace(workspace.id);
				session.current = opened;
				dispatch({
					type: 'resumed',
					subscription,
					workspace: current,
					...(opened.record.choices.scenarioId ? {scenarioId: opened.record.choices.scenarioId} : {}),
					answers: opened.record.choices.answers ?? {},
					planConfirmed: opened.record.choices.planConfirmed === true,
				});
			} catch (error) {
				setResumeFailure(toAzureFailure(error));
			} finally {
				setResuming(false);
			}
		},
		[gateway, store],
	);

	// Launched with --resume ID: go straight there.
	useEffect(() => {
		if (typeof resume === 'string' && unfinished) void resumeSession(unfinished);
	}, [resume, unfinished, resumeSession]);

	// A scenario reads the workspace before it can ask questions or plan.
	const needsPreparation = ['options', 'plan', 'run'].includes(state.screen) && !state.preparation;
	const [preparationAttempt, setPreparationAttempt] = useState(0);
	useEffect(() => {
		if (!needsPreparation || !scenario || !context) return;
		let current = true;
		setPreparationFailure(undefined);
		scenario.prepare(context).then(
			(preparation) => current && dispatch({type: 'prepared', preparation}),
			(error: unknown) => current && setPreparationFailure(toAzureFailure(error)),
		);
		return () => {
			current = false;
		};
	}, [needsPreparation, scenario, context, preparationAttempt]);

	// A plan exists once every question is answered: from the plan review on.
	const isPlanned = ['plan', 'run', 'summary'].includes(state.screen);
	const planned = useMemo((): {plan?: Plan; failure?: AzureFailure} => {
		if (!isPlanned || !scenario || !context || state.preparation?.kind !== 'ready') return {};
		try {
			return {plan: scenario.buildPlan(context, state.preparation.facts, state.answers)};
		} catch (error) {
			return {failure: toAzureFailure(error)};
		}
	}, [isPlanned, scenario, context, state.preparation, state.answers]);
	const plan = planned.plan;

	// Answers are saved as the reducer changes them (answered, or taken back with Esc).
	useEffect(() => {
		if (state.scenarioId) session.current?.saveChoices({answers: state.answers});
	}, [state.answers, state.scenarioId]);

	const onQuestionsComplete = useCallback(() => dispatch({type: 'questions-complete'}), []);
	const onRunFinished = useCallback((result: RunResult) => {
		session.current?.setStatus(result.outcome === 'completed' ? 'completed' : 'failed');
		dispatch({type: 'run-finished', result});
	}, []);

	const back = () => dispatch({type: 'back'});

	let screen: ReactElement | null = null;
	switch (state.screen) {
		case 'welcome':
			screen = (
				<Box flexDirection="column">
					<Welcome
						user={user}
						connectionLabel={connection.label}
						{...(unfinished ? {unfinished} : {})}
						unreadable={listing.unreadable}
						onStart={() => {
							session.current = store.create(connection.mode);
							dispatch({type: 'start'});
						}}
						onResume={(record) => void resumeSession(record)}
						onQuit={quit}
					/>
					{isResuming ? <Loading label="Reading the saved session's workspace…" /> : null}
					{resumeFailure ? (
						<FailureMessage title="Could not resume the session" failure={resumeFailure} />
					) : null}
				</Box>
			);
			break;
		case 'subscription':
			screen = (
				<Subscription
					gateway={gateway}
					onChosen={(subscription) => {
						save({subscription, workspace: undefined, scenarioId: undefined, answers: undefined, planConfirmed: undefined});
						dispatch({type: 'subscription-chosen', subscription});
					}}
					onBack={back}
					onQuit={quit}
				/>
			);
			break;
		case 'workspace':
			screen = state.subscription ? (
				<Workspace
					gateway={gateway}
					subscription={state.subscription}
					onChosen={(workspace) => {
						save({
							workspace: {id: workspace.id, name: workspace.name, resourceGroup: workspace.resourceGroup},
							scenarioId: undefined,
							answers: undefined,
							planConfirmed: undefined,
						});
						dispatch({type: 'workspace-chosen', workspace});
					}}
					onBack={back}
					onQuit={quit}
				/>
			) : null;
			break;
		case 'scenario':
			screen = state.workspace ? (
				<Scenario
					workspace={state.workspace}
					onChosen={(scenarioId) => {
						save({scenarioId, answers: {}, planConfirmed: undefined});
						dispatch({type: 'scenario-chosen', scenarioId});
					}}
					onBack={back}
					onQuit={quit}
				/>
			) : null;
			break;
		case 'options':
			screen =
				scenario && state.workspace ? (
					<Options
						workspace={state.workspace}
						scenario={scenario}
						{...(state.preparation ? {preparation: state.preparation} : {})}
						{...(preparationFailure ? {preparationFailure} : {})}
						answers={state.answers}
						onAnswer={(questionId, value) => dispatch({type: 'answered', questionId, value})}
						onComplete={onQuestionsComplete}
						onRetry={() => setPreparationAttempt((value) => value + 1)}
						onBack={back}
						onQuit={quit}
					/>
				) : null;
			break;
		case 'plan':
			screen = plan ? (
				<PlanReview
					plan={plan}
					gateway={gateway}
					onConfirm={() => {
						save({planConfirmed: true});
						session.current?.setStatus('running');
						dispatch({type: 'plan-confirmed'});
					}}
					onBack={back}
					onQuit={quit}
				/>
			) : (
				<PlanLoading failure={preparationFailure ?? planned.failure} onBack={back} onQuit={quit} />
			);
			break;
		case 'run':
			screen = plan ? (
				<Run
					key={state.runAttempt}
					plan={plan}
					{...(session.current ? {journal: session.current} : {})}
					onFinished={onRunFinished}
					onQuit={quit}
				/>
			) : (
				<PlanLoading failure={preparationFailure ?? planned.failure} onQuit={quit} />
			);
			break;
		case 'summary':
			screen =
				scenario && state.runResult && state.preparation?.kind === 'ready' ? (
					<Summary
						title={plan?.title ?? scenario.title}
						result={state.runResult}
						summary={scenario.summarize(state.preparation.facts, state.answers, state.runResult)}
						files={plan ? filesOf(plan, state.runResult) : []}
						missingPermissions={plan ? missingPermissionsOf(plan, state.runResult) : []}
						onFinish={() => {
							const sessionId = session.current?.id ?? '';
							finish(state.runResult?.outcome === 'completed' ? {kind: 'completed', sessionId} : {kind: 'failed', sessionId});
						}}
						onRetry={() => {
							session.current?.setStatus('running');
							dispatch({type: 'retry'});
						}}
						{...(context && state.subscription
							? {
									onSaveAnswers: async () => {
										const path = join(context.outputDirectory, `answers-${scenario.id}.yaml`);
										await saveAnswersFile(path, {
											scenario: scenario.id,
											subscription: state.subscription!.name,
											workspace: context.workspace.name,
											answers: state.answers,
										});
										return path;
									},
								}
							: {})}
						onQuit={quit}
					/>
				) : null;
			break;
	}

	return (
		<Box flexDirection="column">
			<Text>
				<Text bold color="cyan">
					aml-identity
				</Text>
				<Text dimColor>{` · ${connection.label}`}</Text>
			</Text>
			<Box marginTop={1} flexDirection="column">
				<Answered items={answeredItems(state, user)} />
				{screen}
			</Box>
		</Box>
	);
}

/** For a step refused by Azure RBAC: the actions it needed and the built-in roles that grant them. */
function missingPermissionsOf(plan: Plan, result: RunResult): string[] {
	const failed = result.steps.find((step) => step.state === 'failed');
	if (!failed?.error || !['AuthorizationFailed', 'LinkedAuthorizationFailed'].includes(failed.error.code)) return [];
	const step = plan.steps.find((candidate) => candidate.id === failed.stepId);
	return (step?.requires ?? []).map(
		(required) => `${required.action} on ${required.scope} (granted by ${rolesGranting(required.action).join(', ')})`,
	);
}

function PlanLoading({
	failure,
	onBack,
	onQuit,
}: {
	readonly failure?: AzureFailure;
	readonly onBack?: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}) {
	useNavigationKeys({onQuit, ...(onBack ? {onBack} : {})});
	return (
		<Box flexDirection="column">
			{failure ? <FailureMessage title="Could not prepare the plan" failure={failure} /> : <Loading label="Preparing the plan…" />}
			<Footer hints={[...(onBack ? [keyHints.back] : []), keyHints.quit]} />
		</Box>
	);
}
