import {join} from 'node:path';
import {useCallback, useEffect, useMemo, useReducer, useRef, useState, type ReactElement} from 'react';
import {Box, Text, useApp} from 'ink';
import type {AzureGateway} from '../src/azure/gateway.js';
import type {RequestLog} from '../src/azure/request-log.js';
import type {SignedInUser} from '../src/azure/credential.js';
import {toAzureFailure, type AzureFailure} from '../src/azure/errors.js';
import {rolesGranting} from '../src/azure/permissions.js';
import type {Plan} from '../src/plan/plan.js';
import type {RunResult} from '../src/plan/runner.js';
import {filesOf, type ScenarioContext} from '../src/scenarios/scenario.js';
import {saveAnswersFile} from '../src/headless/answers-file.js';
import type {ReplicationTiming} from '../src/steps/role-assignment.js';
import {findScenario} from '../src/scenarios/index.js';
import {reviewSession, type SessionReview} from '../src/session/resume.js';
import {sessionsOfMode} from '../src/session/session-list.js';
import type {Session, SessionMode, SessionRecord, SessionListing, SessionStore, UnreadableSession} from '../src/session/session-store.js';
import {Answered, type AnsweredItem} from './components/Answered.js';
import {FailureMessage} from './components/FailureMessage.js';
import {Footer} from './components/Footer.js';
import {Loading} from './components/Loading.js';
import {keyHints, useNavigationKeys} from './keys.js';
import {Options} from './Options.js';
import {PlanReview} from './PlanReview.js';
import {ResumeOverview} from './ResumeOverview.js';
import {Run} from './Run.js';
import {Scenario} from './Scenario.js';
import {Sessions} from './Sessions.js';
import {UndoSession} from './UndoSession.js';
import {writeExport} from '../src/export/export-plan.js';
import {Subscription} from './Subscription.js';
import {Summary} from './Summary.js';
import {Welcome} from './Welcome.js';
import {Workspace} from './Workspace.js';
import {initialWizardState, sessionsWizardState, wizardReducer, type WizardState} from './wizard-state.js';

export interface Connection {
	readonly gateway: AzureGateway;
	readonly user: SignedInUser;
	/** e.g. "demo tenant (built-in emulator)" or "Azure Resource Manager". */
	readonly label: string;
	readonly mode: SessionMode;
	/** How the user signed in ("Azure CLI", "device code sign-in"): "Signed in as … via …". */
	readonly signedInVia?: string;
	/** The subscription to start on, and where that came from. */
	readonly preselection?: {readonly subscriptionId: string; readonly describedAs: string};
}

export type WizardOutcome =
	| {readonly kind: 'completed'; readonly sessionId: string}
	| {readonly kind: 'failed'; readonly sessionId: string}
	| {
			readonly kind: 'quit';
			readonly reason: 'quit' | 'interrupt';
			readonly sessionId?: string;
			/** Quit while browsing saved sessions: nothing was started. */
			readonly fromSessions?: boolean;
	  };

export interface AppProps {
	readonly connection: Connection;
	/** The saved sessions as listed for the first frame (bin), so a damaged file it set aside is still reported. */
	readonly initialListing?: SessionListing;
	/** Where scenarios write generated files; a folder per workspace is made under it. */
	readonly outputDirectory: string;
	readonly replicationTiming?: ReplicationTiming;
	readonly store: SessionStore;
	/** --resume: the Sessions screen (true), or that session's overview (an ID). */
	readonly resume?: string | true;
	readonly onExit: (outcome: WizardOutcome) => void;
	/** Explain what Azure does at each scenario, step and result; on by default in demo mode (--explain). */
	readonly explain?: boolean;
	/** The connection's requests, shown behind each step (b on the run and summary screens). */
	readonly requestLog?: RequestLog;
}

function answeredItems(state: WizardState, user: SignedInUser): AnsweredItem[] {
	if (['welcome', 'sessions', 'resume'].includes(state.screen)) return [];
	const items: AnsweredItem[] = [{label: 'Signed in', value: user.account ? `${user.name} (${user.account})` : user.name}];
	if (state.subscription && state.screen !== 'subscription') items.push({label: 'Subscription', value: state.subscription.name});
	if (state.workspace && !['subscription', 'workspace'].includes(state.screen))
		items.push({label: 'Workspace', value: `${state.workspace.name} (${state.workspace.resourceGroup})`});
	const scenario = state.scenarioId ? findScenario(state.scenarioId) : undefined;
	if (scenario && !['subscription', 'workspace', 'scenario'].includes(state.screen)) items.push({label: 'Scenario', value: scenario.title});
	return items;
}

export function App({connection, store, initialListing, resume, onExit, outputDirectory, replicationTiming, explain, requestLog}: AppProps) {
	const {exit} = useApp();
	const [isExplaining, setExplaining] = useState(explain ?? connection.mode === 'demo');
	const explaining = {isExplaining, onToggleExplaining: useCallback(() => setExplaining((value) => !value), [])};
	const {gateway, user} = connection;
	const [state, dispatch] = useReducer(wizardReducer, resume === undefined ? initialWizardState : sessionsWizardState);
	const session = useRef<Session | undefined>(undefined);
	// Listing also sets aside session files that cannot be read: those are remembered, as a new
	// listing no longer sees them.
	const [listing, setListing] = useState(() => initialListing ?? store.list());
	const [unreadable, setUnreadable] = useState<readonly UnreadableSession[]>(() => listing.unreadable);
	const refreshListing = useCallback(() => {
		const next = store.list();
		setListing(next);
		if (next.unreadable.length > 0) setUnreadable((known) => [...known, ...next.unreadable]);
	}, [store]);
	const saved = useMemo(() => sessionsOfMode(listing.sessions, connection.mode), [listing, connection.mode]);
	const unfinished = useMemo(() => store.latestUnfinished(connection.mode, saved), [store, connection.mode, saved]);
	const [openingId, setOpeningId] = useState<string | undefined>();
	const [openFailure, setOpenFailure] = useState<AzureFailure | undefined>();
	const openRequest = useRef<string | undefined>(undefined);
	const [preparationFailure, setPreparationFailure] = useState<AzureFailure | undefined>();

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
			// Quit on the Sessions screen or an overview: the sessions stay as they were.
			const browsing = state.screen === 'sessions' || state.screen === 'resume' || state.screen === 'undo';
			const shown = state.screen === 'resume' ? state.review?.record.id : undefined;
			const kept = current?.record.choices.subscription ? current.id : undefined;
			// A session with nothing chosen has nothing to resume: do not leave it behind.
			if (current && !kept) store.delete(current.id);
			const sessionId = browsing ? shown : kept;
			finish({kind: 'quit', reason, ...(sessionId ? {sessionId} : {}), ...(browsing ? {fromSessions: true} : {})});
		},
		[finish, store, state.screen, state.review],
	);
	const save = (choices: Parameters<Session['saveChoices']>[0]) => session.current?.saveChoices(choices);

	const scenario = state.scenarioId ? findScenario(state.scenarioId) : undefined;
	const contextFor = useCallback(
		(workspace: ScenarioContext['workspace']): ScenarioContext => ({
			gateway,
			workspace,
			outputDirectory: join(outputDirectory, workspace.name),
			signedInUser: user,
			...(replicationTiming ? {replicationTiming} : {}),
		}),
		[gateway, outputDirectory, replicationTiming, user],
	);
	const context = useMemo(() => state.workspace && contextFor(state.workspace), [state.workspace, contextFor]);

	// Opening a session reads Azure as it is now: what was done, what is left, what changed.
	const openSession = useCallback(
		async (record: SessionRecord) => {
			openRequest.current = record.id;
			setOpeningId(record.id);
			setOpenFailure(undefined);
			try {
				// Open in another aml-identity: say so (and by which process) rather than race it.
				store.claim(record.id);
				const review = await reviewSession(store.find(record.id) ?? record, {gateway, contextFor});
				if (openRequest.current === record.id) dispatch({type: 'session-opened', review});
			} catch (error) {
				if (openRequest.current === record.id) setOpenFailure(toAzureFailure(error));
			} finally {
				if (openRequest.current === record.id) setOpeningId(undefined);
				openRequest.current = undefined;
			}
		},
		[gateway, contextFor, store],
	);

	/** Enter on the overview: the session becomes the current one and carries on where the review says. */
	const continueSession = useCallback(
		(review: SessionReview) => {
			const previous = session.current;
			// A session started on Welcome and left before choosing anything has nothing to keep.
			if (previous && previous.id !== review.record.id && !previous.record.choices.subscription) store.delete(previous.id);
			const opened = store.open(review.record.id);
			session.current = opened;
			const {subscription, scenarioId} = opened.record.choices;
			switch (review.kind) {
				case 'choosing':
					if (!subscription) dispatch({type: 'start'});
					else if (!review.workspace) dispatch({type: 'subscription-chosen', subscription});
					else dispatch({type: 'resumed', subscription, workspace: review.workspace, answers: {}, planConfirmed: false});
					return;
				case 'workspace-gone': {
					if (!subscription) {
						dispatch({type: 'start'});
						return;
					}
					const gone = opened.record.choices.workspace;
					opened.saveChoices({workspace: undefined, answers: undefined, planConfirmed: undefined});
					opened.replaceJournal(`Workspace ${gone?.name ?? ''} no longer exists.`);
					opened.setStatus('choosing');
					dispatch({type: 'choose-another-workspace', subscription, ...(scenarioId ? {scenarioId} : {})});
					return;
				}
				case 'blocked':
				case 'answers-changed': {
					const answers = review.kind === 'answers-changed' ? review.answers : (opened.record.choices.answers ?? {});
					// Not a run that fails midway: the plan is made again from answers that hold.
					opened.saveChoices({answers, planConfirmed: undefined});
					opened.replaceJournal(review.kind === 'blocked' ? review.preparation.reason : review.changes.map((change) => change.sentence).join(' '));
					opened.setStatus('choosing');
					if (subscription && scenarioId) {
						dispatch({type: 'resumed', subscription, workspace: review.workspace, scenarioId, answers, planConfirmed: false, preparation: review.preparation});
					}
					return;
				}
				case 'questions':
					if (subscription && scenarioId) {
						dispatch({type: 'resumed', subscription, workspace: review.workspace, scenarioId, answers: review.answers, planConfirmed: false, preparation: review.preparation});
					}
					return;
				case 'plan':
					if (subscription && scenarioId) {
						opened.savePlan(review.plan);
						opened.setStatus('running');
						dispatch({type: 'resumed', subscription, workspace: review.workspace, scenarioId, answers: review.answers, planConfirmed: true, preparation: review.preparation});
					}
					return;
				case 'finished':
					return;
			}
		},
		[store],
	);

	// The list is read afresh each time it is shown (a session may have been deleted or resumed).
	useEffect(() => {
		if (state.screen === 'sessions' || state.screen === 'welcome') refreshListing();
	}, [state.screen, refreshListing]);

	// Launched with --resume ID: straight to that session's overview.
	const resumedAtLaunch = useRef(false);
	useEffect(() => {
		if (typeof resume !== 'string' || resumedAtLaunch.current) return;
		resumedAtLaunch.current = true;
		const record = store.find(resume);
		if (record) void openSession(record);
	}, [resume, store, openSession]);

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
				<Welcome
					user={user}
					connectionLabel={connection.label}
						{...(connection.signedInVia ? {signedInVia: connection.signedInVia} : {})}
					{...(unfinished ? {unfinished} : {})}
					savedCount={saved.length}
					unreadable={unreadable}
					onStart={() => {
						session.current = store.create(connection.mode);
						store.claim(session.current.id);
						if (connection.mode === 'azure' && connection.user.tenantId) session.current.saveChoices({tenantId: connection.user.tenantId});
						dispatch({type: 'start'});
					}}
					onResume={(record) => {
						dispatch({type: 'show-sessions'});
						void openSession(record);
					}}
					onShowSessions={() => dispatch({type: 'show-sessions'})}
					onQuit={quit}
				/>
			);
			break;
		case 'sessions':
			screen = (
				<Sessions
					sessions={saved}
					unreadable={unreadable}
					{...(openingId ? {openingId} : {})}
					{...(openFailure ? {openFailure} : {})}
					onOpen={(record) => void openSession(record)}
					onUndo={(record) => dispatch({type: 'undo', record})}
					onDelete={(record) => {
						store.delete(record.id);
						if (session.current?.id === record.id) session.current = undefined;
						refreshListing();
					}}
					onBack={() => {
						openRequest.current = undefined;
						setOpeningId(undefined);
						setOpenFailure(undefined);
						back();
					}}
					onQuit={quit}
				/>
			);
			break;
		case 'undo':
			screen = state.undoing ? (
				<UndoSession
					key={state.undoing.id}
					record={state.undoing}
					gateway={gateway}
					openJournal={() => store.open(state.undoing!.id).undoJournal()}
					onFinished={(result) => {
						if (result.outcome === 'completed') store.open(state.undoing!.id).setStatus('undone');
						refreshListing();
					}}
					onBack={back}
					onQuit={quit}
				/>
			) : null;
			break;
		case 'resume':
			screen = state.review ? (
				<ResumeOverview review={state.review} onContinue={() => state.review && continueSession(state.review)} onBack={back} onQuit={quit} />
			) : null;
			break;
		case 'subscription':
			screen = (
				<Subscription
					gateway={gateway}
					{...(state.subscription ? {chosenBefore: state.subscription.id} : {})}
					{...(connection.preselection ? {preselection: connection.preselection} : {})}
					onChosen={(subscription) => {
						save({subscription, workspace: undefined, scenarioId: undefined, scenarioTitle: undefined, answers: undefined, planConfirmed: undefined});
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
					{...(state.workspace ? {chosenBefore: state.workspace.id} : {})}
					onChosen={(workspace) => {
						save({
							workspace: {id: workspace.id, name: workspace.name, resourceGroup: workspace.resourceGroup},
							scenarioId: state.keptScenarioId,
							scenarioTitle: state.keptScenarioId ? findScenario(state.keptScenarioId)?.title : undefined,
							answers: state.keptScenarioId ? {} : undefined,
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
					{...(state.scenarioId ? {chosenBefore: state.scenarioId} : {})}
					{...explaining}
					onChosen={(scenarioId) => {
						save({scenarioId, scenarioTitle: findScenario(scenarioId)?.title, answers: {}, planConfirmed: undefined});
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
					{...explaining}
					onConfirm={() => {
						save({planConfirmed: true});
						session.current?.savePlan(plan);
						session.current?.setStatus('running');
						dispatch({type: 'plan-confirmed'});
					}}
					{...(state.subscription && state.workspace
						? {
								onExport: (overwrite: boolean) =>
									writeExport(plan, join(outputDirectory, state.workspace!.name, 'export'), {
										subscription: state.subscription!,
										workspace: state.workspace!,
										generatedAt: new Date(),
										overwrite,
									}),
							}
						: {})}
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
					{...explaining}
					{...(requestLog ? {requestLog} : {})}
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
						scenarioId={scenario.id}
						{...explaining}
						{...(requestLog ? {requestLog} : {})}
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
